//! The alerts' sounds, made in the page with Web Audio (nothing to download): each tone an
//! oscillator through a gain that rises in 10 ms and fades out, at half volume.

use std::cell::RefCell;

use web_sys::{AudioContext, OscillatorType};

use crate::model::alerts::Sound;

/// Half volume, as the original played its files.
const VOLUME: f32 = 0.5;

thread_local! {
    /// One context for the page: browsers limit how many a page may make.
    static CONTEXT: RefCell<Option<AudioContext>> = const { RefCell::new(None) };
}

/// Plays `sound`; nothing when the browser has no Web Audio. A context made before the reader
/// touched the page starts suspended (autoplay rules): `resume` lets it play from their first
/// click or key on.
pub fn play(sound: Sound) {
    let ctx = CONTEXT.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            *c = AudioContext::new().ok();
        }
        c.clone()
    });
    if let Some(ctx) = ctx {
        let _ = ctx.resume();
        let _ = score(&ctx, sound);
    }
}

fn score(ctx: &AudioContext, sound: Sound) -> Result<(), wasm_bindgen::JsValue> {
    let (wave, notes) = sound.score();
    let wave = match wave {
        "square" => OscillatorType::Square,
        "triangle" => OscillatorType::Triangle,
        "sawtooth" => OscillatorType::Sawtooth,
        _ => OscillatorType::Sine,
    };
    let t0 = ctx.current_time();
    for &(hz, at, len) in notes {
        let (start, end) = (t0 + at, t0 + at + len);
        let osc = ctx.create_oscillator()?;
        osc.set_type(wave);
        osc.frequency().set_value(hz);
        let gain = ctx.create_gain()?;
        let g = gain.gain();
        g.set_value_at_time(0.0, start)?;
        g.linear_ramp_to_value_at_time(VOLUME / notes.len() as f32, start + 0.01)?;
        g.exponential_ramp_to_value_at_time(0.0001, end)?;
        osc.connect_with_audio_node(&gain)?
            .connect_with_audio_node(&ctx.destination())?;
        osc.start_with_when(start)?;
        osc.stop_with_when(end + 0.02)?;
    }
    Ok(())
}
