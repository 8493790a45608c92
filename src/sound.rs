//! Plays the alerts' sounds with Web Audio: a few oscillator tones, each with a short fade in
//! and out, at half volume. One audio context for the page, made (or woken) on the reader's
//! first click or key, since browsers start sound only after one.

use std::cell::{Cell, RefCell};

use web_sys::{AudioContext, AudioContextState, OscillatorType};

use crate::alerts::Sound;

thread_local! {
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
    static PLAYED: Cell<u32> = const { Cell::new(0) };
}

const VOLUME: f32 = 0.5;

/// Makes the audio context (or resumes it), from inside a click or a key press.
pub fn unlock() {
    CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = AudioContext::new().ok();
        }
        if let Some(ctx) = c
            .as_ref()
            .filter(|x| x.state() == AudioContextState::Suspended)
        {
            let _ = ctx.resume();
        }
    });
}

/// Plays `s`; false when the browser has no sound for the page.
pub fn play(s: Sound) -> bool {
    let ok = CONTEXT.with(|c| {
        let c = c.borrow();
        let Some(ctx) = c.as_ref() else {
            return false;
        };
        let t0 = ctx.current_time();
        s.tones().iter().all(|t| {
            let wave = match t.wave {
                "square" => OscillatorType::Square,
                "triangle" => OscillatorType::Triangle,
                "sawtooth" => OscillatorType::Sawtooth,
                _ => OscillatorType::Sine,
            };
            let (start, end) = (t0 + f64::from(t.at), t0 + f64::from(t.at + t.len));
            let tone = || -> Result<(), wasm_bindgen::JsValue> {
                let osc = ctx.create_oscillator()?;
                osc.set_type(wave);
                osc.frequency().set_value(t.hz);
                let gain = ctx.create_gain()?;
                let g = gain.gain();
                g.set_value_at_time(0.0, start)?;
                g.linear_ramp_to_value_at_time(VOLUME, start + 0.01)?;
                g.exponential_ramp_to_value_at_time(0.001, end)?;
                osc.connect_with_audio_node(&gain)?
                    .connect_with_audio_node(&ctx.destination())?;
                osc.start_with_when(start)?;
                osc.stop_with_when(end + 0.02)
            };
            tone().is_ok()
        })
    });
    if ok {
        PLAYED.with(|p| p.set(p.get() + 1));
    }
    ok
}

/// How many sounds this page has played (what the browser tests count).
pub fn played() -> u32 {
    PLAYED.with(Cell::get)
}
