//! The relays the log sends rounds to: a table in the log's SQLite (`relays`), so a restarted
//! log still knows them, and in memory what each answered last.
//!
//! A relay is added when it asks for a socket's first frames (`Command::Join`), which writes
//! one row the first time only, and removed when it answers a round with no sockets, unless it
//! asked for a socket after that round left (its answer is then older than its new socket).

use std::collections::BTreeMap;

use worker::{SqlStorage, SqlStorageValue};

#[derive(Debug, Default)]
struct Known {
    /// Sockets it held at its last answer.
    sockets: u64,
    /// The round number current when it last joined.
    joined: u64,
}

pub struct Registry {
    sql: SqlStorage,
    relays: BTreeMap<String, Known>,
    /// Rounds sent by this instance.
    round: u64,
}

#[derive(serde::Deserialize)]
struct Row {
    name: String,
}

impl Registry {
    pub fn open(sql: SqlStorage) -> worker::Result<Self> {
        sql.exec(
            "CREATE TABLE IF NOT EXISTS relays (name TEXT PRIMARY KEY)",
            None,
        )?;
        let rows: Vec<Row> = sql.exec("SELECT name FROM relays", None)?.to_array()?;
        Ok(Registry {
            sql,
            relays: rows
                .into_iter()
                .map(|r| (r.name, Known::default()))
                .collect(),
            round: 0,
        })
    }

    pub fn join(&mut self, name: &str) -> worker::Result<()> {
        if !self.relays.contains_key(name) {
            self.sql.exec(
                "INSERT OR IGNORE INTO relays (name) VALUES (?)",
                vec![SqlStorageValue::String(name.to_owned())],
            )?;
        }
        let round = self.round;
        let known = self.relays.entry(name.to_owned()).or_default();
        known.joined = round;
        known.sockets += 1;
        Ok(())
    }

    pub fn names(&self) -> Vec<String> {
        self.relays.keys().cloned().collect()
    }

    /// The number of the round about to be sent.
    pub fn next_round(&mut self) -> u64 {
        self.round += 1;
        self.round
    }

    /// What relay `name` answered to round `number`: whether it was dropped (no sockets, and
    /// none asked for since that round left).
    pub fn answered(&mut self, name: &str, sockets: u64, number: u64) -> worker::Result<bool> {
        let Some(known) = self.relays.get_mut(name) else {
            return Ok(false);
        };
        known.sockets = sockets;
        if sockets == 0 && known.joined < number {
            self.sql.exec(
                "DELETE FROM relays WHERE name = ?",
                vec![SqlStorageValue::String(name.to_owned())],
            )?;
            self.relays.remove(name);
            return Ok(true);
        }
        Ok(false)
    }

    /// Relay `name` says how many sockets it holds (between rounds; an unknown one is not
    /// sent rounds, so it is not counted): as an answer to the latest round. Whether it was
    /// dropped.
    pub fn report(&mut self, name: &str, sockets: u64) -> worker::Result<bool> {
        let latest = self.round;
        self.answered(name, sockets, latest)
    }

    /// The sockets of all relays, as they last said.
    pub fn sockets(&self) -> u64 {
        self.relays.values().map(|k| k.sockets).sum()
    }
}
