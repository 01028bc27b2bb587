//! The Chrome DevTools protocol, as Chromium speaks it with
//! `--remote-debugging-pipe`: JSON messages, each ended by a NUL byte,
//! commands written to the browser's fd 3 and replies and events read from
//! its fd 4. A command carries an `id`; its reply carries the same `id`
//! and a `result` or an `error`. Events (a `method`, no `id`) come in
//! between. With flattened sessions, a command for a page carries that
//! page's `sessionId`, and so do its events.
//!
//! The replies are read by a thread of their own into a channel, so that
//! no wait lasts past the connection's deadline, and while it waits the
//! connection asks the browser's process whether it has ended (a process
//! it started may hold the pipe open after it).

use std::collections::VecDeque;
use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// How often, while waiting for a message, the process is asked whether
/// it has ended.
const POLL: Duration = Duration::from_millis(50);

/// The most events kept while waiting for a reply (a page's events, of
/// which a print waits for one).
const MAX_EVENTS: usize = 1_000;

/// The process at the other end of a connection.
pub(crate) trait Process {
    /// How it ended (its exit status, for a diagnostic), once it has.
    fn ended(&mut self) -> Option<String>;
}

/// What went wrong talking to the browser.
#[derive(Debug)]
pub(crate) enum Error {
    /// The browser answered `method` with an error.
    Refused { method: String, message: String },
    /// The browser's process ended.
    Ended(String),
    /// The browser closed its end of the pipe.
    Closed,
    /// No reply came before the deadline.
    TimedOut,
    /// A command could not be written.
    Write(std::io::Error),
    /// A message that is not what the protocol says.
    Malformed(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Refused { method, message } => write!(f, "{method} failed: {message}"),
            Error::Ended(status) => write!(f, "it ended: {status}"),
            Error::Closed => write!(f, "it closed its pipe"),
            Error::TimedOut => write!(f, "it did not answer in time"),
            Error::Write(e) => write!(f, "cannot write to it: {e}"),
            Error::Malformed(what) => write!(f, "it sent {what}"),
        }
    }
}

/// A connection to a browser: commands out, messages in, the process.
pub(crate) struct Connection<P: Process> {
    commands: Box<dyn Write + Send>,
    messages: Receiver<Vec<u8>>,
    process: P,
    deadline: Instant,
    next_id: u64,
    /// Events read while waiting for a reply, oldest first.
    events: VecDeque<Value>,
}

impl<P: Process> Connection<P> {
    /// A connection writing commands to `commands` and reading messages
    /// from `replies` (by a thread of its own) until `deadline`.
    pub(crate) fn new(
        commands: impl Write + Send + 'static,
        replies: impl Read + Send + 'static,
        process: P,
        deadline: Instant,
    ) -> Self {
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut replies = BufReader::new(replies);
            loop {
                let mut message = Vec::new();
                match replies.read_until(0, &mut message) {
                    // A message is whole only with its NUL.
                    Ok(_) if message.pop() == Some(0) => {
                        if sender.send(message).is_err() {
                            return;
                        }
                    }
                    _ => return,
                }
            }
        });
        Connection::with_messages(commands, messages, process, deadline)
    }

    /// A connection whose messages come from `messages` (a channel ended
    /// when the pipe is).
    pub(crate) fn with_messages(
        commands: impl Write + Send + 'static,
        messages: Receiver<Vec<u8>>,
        process: P,
        deadline: Instant,
    ) -> Self {
        Connection {
            commands: Box::new(commands),
            messages,
            process,
            deadline,
            next_id: 0,
            events: VecDeque::new(),
        }
    }

    /// The process at the other end.
    pub(crate) fn process(&mut self) -> &mut P {
        &mut self.process
    }

    /// Sends `method` with `params` (to the page `session`, or the
    /// browser) without waiting for its reply; its id.
    pub(crate) fn send(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<u64, Error> {
        self.next_id += 1;
        let mut command = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = Value::from(session);
        }
        let mut bytes = command.to_string().into_bytes();
        bytes.push(0);
        let written = self
            .commands
            .write_all(&bytes)
            .and_then(|()| self.commands.flush());
        // A pipe broken by a browser that ended: say how it ended.
        written.map_err(|e| self.ended_soon().map_or(Error::Write(e), Error::Ended))?;
        Ok(self.next_id)
    }

    /// Sends `method` and waits for its result; events that come first
    /// are kept for [`Connection::event`].
    pub(crate) fn call(
        &mut self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Error> {
        let id = self.send(session, method, params)?;
        loop {
            let message = self.next()?;
            match reply(&message, id, method) {
                Some(result) => return result,
                None if message.get("method").is_some() => {
                    if self.events.len() == MAX_EVENTS {
                        self.events.pop_front();
                    }
                    self.events.push_back(message);
                }
                // A reply to a command not waited for.
                None => {}
            }
        }
    }

    /// Waits for the first event of the page `session` that `wanted`
    /// accepts (its `method` and `params`), kept or new; the events kept
    /// before it are dropped.
    pub(crate) fn event(
        &mut self,
        session: &str,
        mut wanted: impl FnMut(&str, &Value) -> bool,
    ) -> Result<Value, Error> {
        let mut accepts = |event: &Value| {
            event["sessionId"] == session
                && event["method"]
                    .as_str()
                    .is_some_and(|method| wanted(method, &event["params"]))
        };
        if let Some(at) = self.events.iter().position(&mut accepts) {
            if let Some(event) = self.events.drain(..=at).next_back() {
                return Ok(event);
            }
        }
        self.events.clear();
        loop {
            let message = self.next()?;
            if accepts(&message) {
                return Ok(message);
            }
        }
    }

    /// The next message, as JSON.
    fn next(&mut self) -> Result<Value, Error> {
        loop {
            let left = self.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::TimedOut);
            }
            match self.messages.recv_timeout(left.min(POLL)) {
                Ok(bytes) => {
                    return serde_json::from_slice(&bytes)
                        .map_err(|e| Error::Malformed(format!("a message that is not JSON ({e})")))
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Some(status) = self.process.ended() {
                        return Err(Error::Ended(status));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.ended_soon().map_or(Error::Closed, Error::Ended))
                }
            }
        }
    }

    /// How the process ended, if it does within a second (its pipe is
    /// closed or broken).
    fn ended_soon(&mut self) -> Option<String> {
        for _ in 0..20 {
            if let Some(status) = self.process.ended() {
                return Some(status);
            }
            std::thread::sleep(POLL);
        }
        None
    }
}

/// The result of command `id` (named `method`), if `message` is its reply.
fn reply(message: &Value, id: u64, method: &str) -> Option<Result<Value, Error>> {
    if message.get("id").and_then(Value::as_u64) != Some(id) {
        return None;
    }
    Some(match (message.get("result"), message.get("error")) {
        (_, Some(error)) => Err(Error::Refused {
            method: method.to_string(),
            message: error
                .get("message")
                .and_then(Value::as_str)
                .map_or_else(|| error.to_string(), str::to_string),
        }),
        (Some(result), None) => Ok(result.clone()),
        (None, None) => Err(Error::Malformed(format!(
            "a reply to {method} with neither result nor error"
        ))),
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::mpsc::Sender;

    /// A process that runs until told it has ended.
    pub(crate) struct Running(pub Option<String>);

    impl Process for Running {
        fn ended(&mut self) -> Option<String> {
            self.0.clone()
        }
    }

    /// A connection whose messages the test sends, and whose commands go
    /// nowhere.
    pub(crate) fn fake(process: Running) -> (Connection<Running>, Sender<Vec<u8>>) {
        let (sender, messages) = mpsc::channel();
        let deadline = Instant::now() + Duration::from_secs(5);
        let connection = Connection::with_messages(std::io::sink(), messages, process, deadline);
        (connection, sender)
    }

    pub(crate) fn message(value: Value) -> Vec<u8> {
        value.to_string().into_bytes()
    }

    #[test]
    fn a_reply_is_matched_to_its_id_among_events_kept_for_later() {
        let (mut connection, sender) = fake(Running(None));
        let load =
            json!({"method": "Page.lifecycleEvent", "sessionId": "S", "params": {"name": "load"}});
        sender
            .send(message(json!({"id": 7, "result": {"other": true}})))
            .unwrap();
        sender.send(message(load.clone())).unwrap();
        sender
            .send(message(json!({"id": 1, "result": {"frameId": "F"}})))
            .unwrap();
        let result = connection
            .call(Some("S"), "Page.navigate", json!({}))
            .expect("a reply");
        assert_eq!(result, json!({"frameId": "F"}));
        let event = connection
            .event("S", |method, params| {
                method == "Page.lifecycleEvent" && params["name"] == "load"
            })
            .expect("the event kept");
        assert_eq!(event, load);
    }

    /// What a print answered with an error reply fails with.
    pub(crate) fn printing_failed() -> super::Error {
        let (mut connection, sender) = fake(Running(None));
        sender
            .send(message(
                json!({"id": 1, "error": {"code": -32000, "message": "Printing failed"}}),
            ))
            .unwrap();
        connection
            .call(Some("S"), "Page.printToPDF", json!({}))
            .expect_err("an error")
    }

    #[test]
    fn an_error_reply_is_the_commands_failure() {
        assert_eq!(
            printing_failed().to_string(),
            "Page.printToPDF failed: Printing failed"
        );
    }

    #[test]
    fn a_closed_pipe_or_an_ended_process_is_no_wait_forever() {
        let (mut connection, sender) = fake(Running(Some("exit status: 3".into())));
        drop(sender);
        let error = connection
            .call(None, "Target.createTarget", json!({}))
            .expect_err("ended");
        assert_eq!(error.to_string(), "it ended: exit status: 3");
        let (mut connection, _sender) = fake(Running(Some("exit status: 3".into())));
        let error = connection
            .call(None, "Target.createTarget", json!({}))
            .expect_err("ended");
        assert!(matches!(error, Error::Ended(_)), "{error:?}");
    }

    #[test]
    fn no_reply_before_the_deadline_is_a_time_out() {
        let (_sender, messages) = mpsc::channel();
        let deadline = Instant::now() + Duration::from_millis(120);
        let mut connection =
            Connection::with_messages(std::io::sink(), messages, Running(None), deadline);
        let error = connection
            .call(None, "Target.createTarget", json!({}))
            .expect_err("no reply");
        assert!(matches!(error, Error::TimedOut), "{error:?}");
    }

    #[test]
    fn a_message_that_is_not_json_is_malformed() {
        let (mut connection, sender) = fake(Running(None));
        sender.send(b"{\"id\": 1, ".to_vec()).unwrap();
        let error = connection
            .call(None, "Browser.close", json!({}))
            .expect_err("malformed");
        assert!(matches!(error, Error::Malformed(_)), "{error:?}");
    }
}
