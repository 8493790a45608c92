use leptos::prelude::*;
use web_sys::{Element, KeyboardEvent};

use crate::browser::value_of;
use crate::model::color::Rgb;
use crate::model::draft::{chars_left, check, clean_username, counter_text};
use crate::state::StreamState;
use crate::sync::Stream;

const NAME: &str = "username-input";

/// Name, colour and message. Name and colour are remembered in this browser; so is the text
/// until it is sent, so a reload or a crash never loses it. The colour (`color`, `RRRGGGBBB`)
/// is picked from a grid of fresh swatches (`colour_grid`, opened by the colour button) or,
/// inside it, with the browser's own picker. What is typed, Enter and the form's submit reach
/// the page's one document listener ([`on_input`], [`on_enter`], [`submit`]): a handler of its
/// own per field would cost each its copy of the event code (docs/app.md, size).
#[component]
pub fn Composer(
    draft: RwSignal<String>,
    color: RwSignal<String>,
    username: String,
) -> impl IntoView {
    // Reactive pieces are type-erased signals: each distinct closure type would otherwise cost
    // its own copy of the rendering code (see docs/app.md, size budget).
    let counter = Signal::derive(move || counter_text(&draft.get()));
    let over = Signal::derive(move || chars_left(&draft.get()) < 0);
    let draft_value: Signal<String> = draft.into();
    let cannot_send = Signal::derive(move || check(&draft.get()).is_err());
    let color_hex = Signal::derive(move || {
        Rgb::from_wire(&color.get())
            .map(Rgb::to_hex)
            .unwrap_or_default()
    });

    view! {
        <form class="composer" aria-label="Write a comment">
            <div class="identity">
                <label class="field name">
                    "Name"
                    <input
                        type="text"
                        data-testid="username-input"
                        maxlength="16"
                        placeholder="anonymous"
                        autocomplete="nickname"
                        value=username
                    />
                </label>
                <div class="field colour">
                    <span id="colour-label">"Colour"</span>
                    <button
                        type="button"
                        class="swatch mine"
                        data-act="palette"
                        data-testid="colour-button"
                        aria-labelledby="colour-label"
                        aria-expanded="false"
                        aria-controls="palette"
                    ></button>
                    // Its own colour is the page's `--mine` (set with `--me`); its swatches are
                    // made when it opens (`colour_grid`).
                    <div id="palette" class="palette" role="group" aria-label="Pick a colour" hidden>
                        <label class="custom">
                            "Other…"
                            <input
                                type="color"
                                data-testid="color-input"
                                prop:value=color_hex
                            />
                        </label>
                    </div>
                </div>
            </div>
            <div class="message">
                <label class="visually-hidden" for="comment-input">"Message"</label>
                <textarea
                    id="comment-input"
                    data-testid="comment-input"
                    rows="2"
                    placeholder="Say what you want…"
                    aria-describedby="char-count"
                    prop:value=draft_value
                ></textarea>
                <button type="submit" class="send" data-testid="send-button" disabled=cannot_send>
                    "Send"
                </button>
            </div>
            <p class="hint">
                <span id="char-count" class="count" data-over=over>{counter}</span>
                <span class="keys">"Enter sends · Shift+Enter new line"</span>
            </p>
        </form>
    }
}

/// Typing in the composer's fields: the name and the draft are remembered as they are typed,
/// the colour picker sets the reader's colour. False for any other field.
pub fn on_input(target: &Element, state: StreamState, stream: &Stream) -> bool {
    match target.get_attribute("data-testid").as_deref() {
        Some(NAME) => stream.prefs().set_username(&value_of(target)),
        Some("color-input") => {
            if let Some(c) = Rgb::from_hex(&value_of(target)) {
                state.me.set(c.to_wire());
            }
        }
        Some("comment-input") => {
            let v = value_of(target);
            stream.prefs().set_draft(&v);
            state.draft.set(v);
        }
        _ => return false,
    }
    true
}

/// Enter in the message box sends; Shift+Enter is a new line; Enter that confirms an IME
/// composition is neither. True when it sent (or tried to).
pub fn on_enter(ev: &KeyboardEvent, target: &Element, state: StreamState, stream: &Stream) -> bool {
    let send = ev.key() == "Enter"
        && !ev.shift_key()
        && !ev.is_composing()
        && target.id() == "comment-input";
    if send {
        submit(state, stream);
    }
    send
}

/// Sends the draft, when it can be sent, under the name typed and the reader's colour.
pub fn submit(state: StreamState, stream: &Stream) {
    let Ok(text) = check(&state.draft.get_untracked()) else {
        return;
    };
    let typed = document()
        .query_selector("[data-testid=username-input]")
        .ok()
        .flatten()
        .map(|el| value_of(&el))
        .unwrap_or_default();
    stream.send(text, clean_username(&typed), Some(state.me.get_untracked()));
    state.draft.set(String::new());
    stream.prefs().set_draft("");
}
