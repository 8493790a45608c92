//! The few things the app asks of the browser itself: time, randomness, visibility.

use futures::channel::mpsc::UnboundedReceiver;
use futures::future::{select, Either};
use futures::StreamExt;
use gloo_timers::future::TimeoutFuture;

pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}

/// Minutes east of UTC, for local dates.
pub fn utc_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

pub fn random() -> f64 {
    js_sys::Math::random()
}

pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (random() * 256.0) as u8;
        }
    }
    bytes
}

pub fn is_visible() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_none_or(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
}

pub enum Wait {
    Slept,
    /// Something arrived on `wake`: the tab was shown, the network came back.
    Woken,
    /// `wake` is closed: the page is going away.
    Closed,
}

/// Sleeps `ms`, or less when something arrives on `wake`.
pub async fn sleep_or_wake(ms: u32, wake: &mut UnboundedReceiver<()>) -> Wait {
    match select(TimeoutFuture::new(ms), wake.next()).await {
        Either::Left(_) => Wait::Slept,
        Either::Right((Some(()), _)) => Wait::Woken,
        Either::Right((None, _)) => Wait::Closed,
    }
}
