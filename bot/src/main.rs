//! `saywhatwant-bot`: answers comments in the stream. See `--help` and docs/bot.md.

use std::process::ExitCode;
use std::time::Duration;

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use saywhatwant_bot::{ApiClient, Bot, Echo, Identity, OpenAi};

#[derive(Clone, Copy, ValueEnum)]
enum ResponderKind {
    /// Repeats the comment back (deterministic; for tests and demos).
    Echo,
    /// An OpenAI-compatible chat completions endpoint (LM Studio, Ollama, vLLM).
    Openai,
}

/// Follows the comment stream (live channel, or a poll every few seconds) and answers each
/// human comment that asks for a bot (`botParams.processed: false`) exactly once, as the AI
/// entity it names (`botParams.entity`), then marks it processed.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The site or API to talk to (`make run` serves it on port 8080).
    #[arg(long, env = "SWW_API", default_value = "http://127.0.0.1:8080")]
    api: String,
    /// The AI entities, in the original's `config-aientities.json` format (docs/bot.md);
    /// re-read when it changes. Without it the bot is one entity: --name, --color, --model.
    #[arg(long, env = "BOT_ENTITIES")]
    entities: Option<PathBuf>,
    /// The entity for comments that ask for a bot without naming one (default: the file's
    /// first enabled entity).
    #[arg(long, env = "SWW_DEFAULT_ENTITY")]
    default_entity: Option<String>,
    /// Comments answered at once (default: the file's queueSettings.maxConcurrentWorkers, else 2).
    #[arg(long)]
    workers: Option<usize>,
    /// Serve `GET /status` (JSON: queue, per-entity counts, last errors) on this address,
    /// e.g. 127.0.0.1:8090.
    #[arg(long, env = "SWW_BOT_STATUS")]
    status_addr: Option<String>,
    /// The name the bot posts under without --entities (at most 32 characters).
    #[arg(long, env = "SWW_BOT_NAME", default_value = "EchoBot")]
    name: String,
    /// The bot's colour, RRRGGGBBB.
    #[arg(long, env = "SWW_BOT_COLOR", default_value = "120200255")]
    color: String,
    /// Where replies come from.
    #[arg(long, value_enum, env = "SWW_RESPONDER", default_value = "echo")]
    responder: ResponderKind,
    /// OpenAI-compatible API root, for `--responder openai`.
    #[arg(
        long,
        env = "OPENAI_BASE_URL",
        default_value = "http://127.0.0.1:1234/v1"
    )]
    openai_url: String,
    /// Model name, for `--responder openai`.
    #[arg(long, env = "OPENAI_MODEL", default_value = "local-model")]
    model: String,
    /// Bearer token, for endpoints that want one.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// Answer only comments posted from this site (default: every site).
    #[arg(long, env = "SWW_BOT_DOMAIN")]
    domain: Option<String>,
    /// The bot credential (the worker's BOT_TOKEN secret): needed to post as AI and to mark
    /// comments processed.
    #[arg(long, env = "BOT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Milliseconds between polls (when the live channel is not open).
    #[arg(long, default_value_t = 3000)]
    interval_ms: u64,
    /// Only poll; never open the live channel.
    #[arg(long)]
    no_live: bool,
    /// Seconds before a request to the API or the model is abandoned (then retried).
    #[arg(long, default_value_t = 30)]
    timeout_secs: u64,
    /// Poll once, answer, and exit (exit status 1 if that poll failed).
    #[arg(long)]
    once: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.name.trim().chars().count() > saywhatwant_wire::MAX_AI_USERNAME_CHARS
        || !saywhatwant_wire::is_valid_color(&args.color)
    {
        eprintln!(
            "--name must be at most 32 characters and --color nine digits RRRGGGBBB (each 000–255)"
        );
        return ExitCode::from(2);
    }
    let timeout = Duration::from_secs(args.timeout_secs);
    if args.token.as_deref().is_none_or(str::is_empty) {
        eprintln!("no bot credential: set BOT_TOKEN (or --token) to the worker's BOT_TOKEN secret");
        return ExitCode::from(2);
    }
    let api = match ApiClient::new(&args.api, timeout) {
        Ok(api) => api.with_token(args.token.clone()),
        Err(e) => {
            eprintln!("cannot set up HTTP: {e}");
            return ExitCode::FAILURE;
        }
    };
    let me = Identity {
        name: args.name.trim().to_owned(),
        color: args.color,
    };
    let interval = Duration::from_millis(args.interval_ms);
    let domain = args.domain.clone().filter(|d| d != "all");
    let setup = Setup {
        entities: args.entities.clone(),
        default_entity: args.default_entity.clone(),
        workers: args.workers,
        status_addr: args.status_addr.clone(),
    };
    match args.responder {
        ResponderKind::Echo => {
            let bot = Bot::new(api, Echo, me).for_domain(domain);
            match setup.apply(bot) {
                Ok(bot) => run(bot, &setup, interval, args.once, !args.no_live).await,
                Err(code) => code,
            }
        }
        ResponderKind::Openai => {
            match OpenAi::new(&args.openai_url, &args.model, args.api_key, timeout) {
                Ok(model) => {
                    let bot = Bot::new(api, model, me).for_domain(domain);
                    match setup.apply(bot) {
                        Ok(bot) => run(bot, &setup, interval, args.once, !args.no_live).await,
                        Err(code) => code,
                    }
                }
                Err(e) => {
                    eprintln!("cannot set up HTTP: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// What the flags say about the entities, beyond the responder.
struct Setup {
    entities: Option<PathBuf>,
    default_entity: Option<String>,
    workers: Option<usize>,
    status_addr: Option<String>,
}

impl Setup {
    fn apply<R: saywhatwant_bot::Responder>(&self, bot: Bot<R>) -> Result<Bot<R>, ExitCode> {
        // Without a file the bot is already one entity, --name and --color, answering with
        // the responder's own --model.
        let bot = match &self.entities {
            Some(path) => bot.with_entities_file(path.clone()).map_err(|e| {
                eprintln!("{}: {e}", path.display());
                ExitCode::from(2)
            })?,
            None => bot,
        };
        let bot = bot.with_default_entity(self.default_entity.clone());
        if let Some(id) = &self.default_entity {
            if bot.config().find(id).is_none() {
                eprintln!("--default-entity {id}: no such entity in the config");
                return Err(ExitCode::from(2));
            }
        }
        Ok(match self.workers {
            Some(n) => bot.with_workers(n),
            None => bot,
        })
    }
}

async fn run<R: saywhatwant_bot::Responder>(
    mut bot: Bot<R>,
    setup: &Setup,
    interval: Duration,
    once: bool,
    live: bool,
) -> ExitCode {
    if once {
        return match bot.poll_once().await {
            Ok(report) => {
                println!("answered {} comment(s)", report.answered.len());
                for (id, why, _) in &report.failed {
                    println!("skipped {id}: {why}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    let names: Vec<&str> = bot
        .config()
        .entities
        .iter()
        .filter(|e| e.enabled)
        .map(|e| e.id.as_str())
        .collect();
    eprintln!(
        "{} answering as {} ({}; polls every {interval:?} when it cannot)",
        bot.me.name,
        names.join(", "),
        if live { "live channel" } else { "polling only" }
    );
    if let Some(addr) = &setup.status_addr {
        let status = bot.status.clone();
        let addr = addr.clone();
        tokio::spawn(async move {
            if let Err(e) = status.serve(&addr).await {
                eprintln!("the status endpoint on {addr}: {e}");
            }
        });
        eprintln!(
            "status: http://{}/status",
            setup.status_addr.as_deref().unwrap_or_default()
        );
    }
    tokio::select! {
        _ = bot.run(interval, live) => ExitCode::SUCCESS,
        _ = tokio::signal::ctrl_c() => ExitCode::SUCCESS,
    }
}
