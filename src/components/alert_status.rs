use leptos::prelude::*;

use crate::browser::now_ms;
use crate::model::alerts::Alerts;
use crate::sound;
use crate::state::StreamState;
use crate::sync::prefs::Prefs;

const ID: &str = "alert-status";

/// Where alerts are said to screen readers: a polite live region. `data-played` counts the
/// sounds played.
#[component]
pub fn AlertStatus() -> impl IntoView {
    view! {
        <p id=ID class="visually-hidden" role="status" data-testid="alert-status" data-played="0"></p>
    }
}

/// The filter chips' alerts at work: a new comment that matches a chip with a sound plays it
/// (at most once a second, `Alerts::heard`) and is said in [`AlertStatus`]. The alerts are
/// read from this browser here (and saved with the reader's other choices, `CommentsStream`).
/// The region is written with DOM calls (docs/app.md, size).
pub fn follow(state: StreamState, prefs: &Prefs) {
    state.alerts.set(Alerts::decode(&prefs.alerts()));
    let played = StoredValue::new(0u32);
    Effect::new(move || {
        // Worked on a copy, and written back only when something changed: most arrivals match
        // no chip, and every write redraws the filter bar and saves the reader's choices.
        let Some(mut alerts) = state.alerts.try_get_untracked() else {
            return;
        };
        let heard = state.arrivals.with(|fresh| alerts.heard(fresh, now_ms()));
        if state.alerts.with_untracked(|a| *a != alerts) {
            state.alerts.set(alerts);
        }
        let Some((s, rule)) = heard else {
            return;
        };
        sound::play(s);
        played.update_value(|n| *n += 1);
        if let Some(el) = document().get_element_by_id(ID) {
            el.set_text_content(Some(&format!("New comment for {}", rule.label())));
            let _ = el.set_attribute("data-played", &played.get_value().to_string());
        }
    });
}
