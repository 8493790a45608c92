use leptos::prelude::*;

use crate::browser::{host, now_ms, random, set_root_style, utc_offset_min};
use crate::components::alert_status::{self, AlertStatus};
use crate::components::composer::Composer;
use crate::components::connection_status::ConnectionStatus;
use crate::components::filter_bar::FilterBar;
use crate::components::message_list::MessageList;
use crate::components::message_menu::MessageMenu;
use crate::components::notice::Notice;
use crate::components::row_events;
use crate::components::search_box::SearchBox;
use crate::components::video_drawer::{self, VideoDrawer};
use crate::config::{site_title, Settings};
use crate::model::color::{display_css, Rgb};
use crate::model::counts;
use crate::state::StreamState;
use crate::sync::prefs::Prefs;
use crate::sync::Stream;
use crate::url_state;

/// The whole page: the live stream of comments and the composer under it.
#[component]
pub fn CommentsStream(#[prop(optional)] settings: Option<Settings>) -> impl IntoView {
    let mut settings = settings.unwrap_or_default();
    settings.push &= !crate::browser::push_switched_off();
    let prefs = Prefs::new(&settings.storage_prefix);
    // A link can say who the reader is (`uis`) and what they see; it is read before anything
    // starts, so the first poll already asks for the linked channel.
    let linked = url_state::read();
    if let Some(me) = &linked.identity {
        prefs.set_username(&me.name);
        if let Some(c) = &me.color {
            prefs.set_color(c);
        }
        if linked.random_color {
            prefs.set_color(&Rgb::pleasant(crate::browser::random()).to_wire());
        }
    }
    let state = StreamState::new(now_ms(), prefs.draft());
    // A first visit's colour is kept at once, before anything else can happen.
    state.me.set(prefs.color().unwrap_or_else(|| {
        let first = Rgb::pleasant(random()).to_wire();
        prefs.set_color(&first);
        first
    }));
    let here = host();
    let title = site_title(&here);
    document().set_title(title);
    state.conversation.set(url_state::conversation());
    let mut lens = url_state::lens_of(linked, &Default::default());
    lens.domain = prefs.domain_filter().then(|| here.clone());
    state.set_lens(lens);
    // The reader's choices are remembered: their colour (which tints the page, `--me` in
    // style/main.css: the readable shade, as their name is shown; `--mine`, as picked, fills
    // the colour button), the domain filter and the chips' alerts. One effect for all three:
    // each effect costs the download its own copy of the effect code. Its first run, once the page is drawn, puts the caret in the message
    // box, as chat pages do (not on phones: the keyboard would cover the stream).
    let keep = prefs.clone();
    let pressed = Signal::derive(move || state.lens.with(|l| l.domain.is_some()).to_string());
    Effect::new(move |first: Option<()>| {
        let me = state.me.get();
        keep.set_color(&me);
        set_root_style("--me", &display_css(Some(&me)));
        set_root_style(
            "--mine",
            &Rgb::from_wire(&me).map(Rgb::to_hex).unwrap_or_default(),
        );
        keep.set_domain_filter(state.lens.with(|l| l.domain.is_some()));
        state.alerts.with(|a| keep.set_alerts(&a.encode()));
        if first.is_none() && !crate::browser::touch_first() {
            crate::browser::focus_id("comment-input");
        }
    });
    url_state::follow(state);
    let (window_rows, chunk_rows) = (settings.window_rows, settings.chunk_rows);
    let running = Stream::start(settings, state, prefs.clone());
    let stop = StoredValue::new_local(running.clone());
    // Cleanups run before the owner's values are dropped, so the stream is still reachable.
    on_cleanup(move || stop.try_with_value(Stream::stop).unwrap_or_default());
    let stream = StoredValue::new_local(running);
    row_events::listen_on_document(state, stream);
    let utc_offset_min = utc_offset_min();
    alert_status::follow(state, &prefs);
    video_drawer::follow(state, prefs.clone());

    view! {
        <div class="app">
            <header class="top">
                <div class="brand">
                    <h1>
                        <button
                            type="button"
                            class="title"
                            data-act="domain"
                            data-testid="domain-filter"
                            aria-pressed=pressed
                            title="This site's comments only, or every site's"
                        >
                            {title}
                            <span class="led" aria-hidden="true"></span>
                        </button>
                    </h1>
                    <button
                        type="button"
                        class="page-menu"
                        data-act="title"
                        aria-haspopup="menu"
                        aria-label="Page menu"
                    >
                        "⋯"
                    </button>
                </div>
                <span class="counts" data-testid="counts">
                    {Signal::derive(move || {
                        let online = state.online.get();
                        state.counts.with(|c| counts::label(c.0, c.1, online))
                    })}
                </span>
                <ConnectionStatus status=state.status via=state.via />
                <button
                    type="button"
                    class="tv"
                    data-act="drawer"
                    data-testid="video-toggle"
                    aria-pressed="false"
                    aria-controls="drawer"
                >
                    "Videos"
                </button>
            </header>
            <main class="stream">
                <Notice />
                <div class="tools">
                    <FilterBar />
                    <SearchBox />
                </div>
                <MessageList state stream window_rows chunk_rows utc_offset_min />
            </main>
            <footer class="bottom">
                <Composer draft=state.draft color=state.me username=prefs.username() />
                <AlertStatus />
            </footer>
            <MessageMenu />
            <VideoDrawer />
        </div>
    }
}
