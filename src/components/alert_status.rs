use leptos::prelude::*;

use crate::browser::now_ms;
use crate::model::alerts::Alerts;
use crate::sound;
use crate::state::StreamState;
use crate::sync::prefs::Prefs;

/// The filter chips' alerts at work: a new comment that matches a chip with a sound plays it
/// (at most once a second, `Alerts::heard`) and is said to screen readers here, in a polite
/// live region; the alerts are remembered in this browser. `data-played` counts the sounds.
#[component]
pub fn AlertStatus(state: StreamState, prefs: Prefs) -> impl IntoView {
    state.alerts.set(Alerts::decode(&prefs.alerts()));
    let said = RwSignal::new(String::new());
    let played = RwSignal::new(0u32);
    Effect::new(move || {
        let heard = state.arrivals.with(|fresh| {
            state
                .alerts
                .try_update(|a| a.heard(fresh, now_ms()))
                .flatten()
        });
        if let Some((s, rule)) = heard {
            sound::play(s);
            said.set(format!("New comment for {}", rule.label()));
            played.update(|n| *n += 1);
        }
    });
    Effect::new(move || state.alerts.with(|a| prefs.set_alerts(&a.encode())));
    let played = Signal::derive(move || played.get().to_string());
    view! {
        <p class="visually-hidden" role="status" data-testid="alert-status" data-played=played>
            {said}
        </p>
    }
}
