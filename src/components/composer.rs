use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::model::color::Rgb;
use crate::model::draft::{chars_left, check, clean_username, counter_text};
use crate::sync::prefs::Prefs;
use crate::sync::Stream;

/// Name, colour and message. Name and colour are remembered in this browser; so is the text
/// until it is sent, so a reload or a crash never loses it. The colour (`color`, `RRRGGGBBB`)
/// is picked from a grid of fresh swatches (`colour_grid`, opened by the colour button) or,
/// inside it, with the browser's own picker.
#[component]
pub fn Composer(
    draft: RwSignal<String>,
    color: RwSignal<String>,
    prefs: Prefs,
    stream: StoredValue<Stream, LocalStorage>,
) -> impl IntoView {
    let username = RwSignal::new(prefs.username());
    let prefs = StoredValue::new(prefs);

    // Reactive pieces are type-erased signals: each distinct closure type would otherwise cost
    // its own copy of the rendering code (see docs/app.md, size budget).
    let counter = Signal::derive(move || counter_text(&draft.get()));
    let counter_class = Signal::derive(move || {
        if chars_left(&draft.get()) < 0 {
            "count over"
        } else {
            "count"
        }
        .to_owned()
    });
    let username_value: Signal<String> = username.into();
    let draft_value: Signal<String> = draft.into();
    let cannot_send = Signal::derive(move || check(&draft.get()).is_err());
    let color_hex = Signal::derive(move || {
        Rgb::from_wire(&color.get())
            .map(Rgb::to_hex)
            .unwrap_or_default()
    });

    let submit = move || {
        if let Ok(text) = check(&draft.get_untracked()) {
            let name = clean_username(&username.get_untracked());
            stream.with_value(|s| s.send(text, name, Some(color.get_untracked())));
            draft.set(String::new());
            prefs.with_value(|p| p.set_draft(""));
        }
    };
    let on_keydown = move |ev: KeyboardEvent| {
        // Enter sends; Shift+Enter is a new line; Enter that confirms an IME composition is neither.
        if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
            ev.prevent_default();
            submit();
        }
    };

    view! {
        <form
            class="composer"
            aria-label="Write a comment"
            on:submit=move |ev| {
                ev.prevent_default();
                submit();
            }
        >
            <div class="identity">
                <label class="field name">
                    "Name"
                    <input
                        type="text"
                        data-testid="username-input"
                        maxlength="16"
                        placeholder="anonymous"
                        autocomplete="nickname"
                        prop:value=username_value
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            prefs.with_value(|p| p.set_username(&v));
                            username.set(v);
                        }
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
                        style:background-color=color_hex
                    ></button>
                    // Its swatches are made when it opens (`colour_grid`).
                    <div id="palette" class="palette" role="group" aria-label="Pick a colour" hidden>
                        <label class="custom">
                            "Other…"
                            <input
                                type="color"
                                data-testid="color-input"
                                prop:value=color_hex
                                on:input=move |ev| {
                                    if let Some(c) = Rgb::from_hex(&event_target_value(&ev)) {
                                        color.set(c.to_wire());
                                    }
                                }
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
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        prefs.with_value(|p| p.set_draft(&v));
                        draft.set(v);
                    }
                    on:keydown=on_keydown
                ></textarea>
                <button type="submit" class="send" data-testid="send-button" disabled=cannot_send>
                    "Send"
                </button>
            </div>
            <p class="hint">
                <span id="char-count" class=counter_class>{counter}</span>
                <span class="keys">"Enter sends · Shift+Enter new line"</span>
            </p>
        </form>
    }
}
