//! The Server-Sent Events of a streamed reply, and their OpenAPI schema.
//!
//! The schema follows the OpenAPI convention for event streams: one object per event with its
//! `event` name and its `data` line, a string whose `contentMediaType` is JSON and whose
//! `contentSchema` names the payload, so tools (Swagger UI, Schemathesis) know each payload.

use serde::Serialize;
use serde_json::json;
use utoipa::{
    openapi::{
        extensions::Extensions,
        schema::{ObjectBuilder, OneOfBuilder, Ref, Schema, Type},
        RefOr,
    },
    PartialSchema, ToSchema,
};

use super::ChatMessage;
use crate::gateway::error::Problem;

/// The `data` of a `delta` event: the next piece of the reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChatDelta {
    /// Text to append to what came before.
    pub text: String,
}

/// One Server-Sent Event of a streamed reply: `message` (the stored user message) first, any
/// number of `delta`, then `done` (the stored reply with `llmMetadata` and its token usage) or
/// `error` (a problem; the text received so far is stored as an `incomplete` reply).
#[derive(Debug)]
pub enum ChatStreamEvent {
    /// The stored user message.
    Message(ChatMessage),
    /// The next piece of the reply.
    Delta(ChatDelta),
    /// The stored reply; the last event.
    Done(ChatMessage),
    /// The provider or the store failed; the last event.
    Error(Problem),
}

/// Each event's name, payload schema and meaning, in stream order.
const EVENTS: [(&str, &str, &str); 4] = [
    ("message", "ChatMessage", "The stored user message; the first event."),
    ("delta", "ChatDelta", "The next piece of the reply; any number of them."),
    ("done", "ChatMessage", "The stored reply, with `llmMetadata` and its token usage; the last event."),
    ("error", "Problem", "The provider or the store failed; the last event."),
];

impl ChatStreamEvent {
    /// The event as an SSE frame: an `event:` line and one `data:` line of JSON (JSON never
    /// holds a raw newline, so one line carries it).
    pub fn frame(&self) -> String {
        let (name, data) = match self {
            Self::Message(m) => (EVENTS[0].0, serde_json::to_string(m)),
            Self::Delta(d) => (EVENTS[1].0, serde_json::to_string(d)),
            Self::Done(m) => (EVENTS[2].0, serde_json::to_string(m)),
            Self::Error(p) => (EVENTS[3].0, serde_json::to_string(p)),
        };
        format!("event: {name}\ndata: {}\n\n", data.unwrap_or_else(|_| "{}".to_owned()))
    }
}

impl PartialSchema for ChatStreamEvent {
    fn schema() -> RefOr<Schema> {
        let variants = EVENTS.iter().map(|(event, payload, about)| {
            let mut content = Extensions::default();
            content.insert("contentSchema".to_owned(), json!({ "$ref": format!("#/components/schemas/{payload}") }));
            let data = ObjectBuilder::new()
                .schema_type(Type::String)
                .content_media_type("application/json")
                .description(Some(format!("A `{payload}` as JSON.")))
                .extensions(Some(content));
            let name = ObjectBuilder::new().schema_type(Type::String).enum_values(Some([*event]));
            // A title per event gives generated clients a model name of their own per event.
            let title = format!("Chat{}{}Event", event[..1].to_uppercase(), &event[1..]);
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .title(Some(title))
                .description(Some(*about))
                .property("event", name)
                .required("event")
                .property("data", data)
                .required("data")
        });
        let mut one_of =
            OneOfBuilder::new().description(Some("One event of the stream (`event: <name>` then `data: <JSON>`)."));
        for variant in variants {
            one_of = one_of.item(variant);
        }
        one_of.into()
    }
}

impl ToSchema for ChatStreamEvent {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((ChatMessage::name().into(), ChatMessage::schema()));
        <ChatMessage as ToSchema>::schemas(schemas);
        schemas.push((ChatDelta::name().into(), ChatDelta::schema()));
        schemas.push((Problem::name().into(), Problem::schema()));
        <Problem as ToSchema>::schemas(schemas);
    }
}

/// The schema of a streamed reply's body. Event-stream-aware tools (Schemathesis, OpenAPI 3.2's
/// `itemSchema` reading) apply a `text/event-stream` schema to each event, so it is
/// [`ChatStreamEvent`]; it also admits a string because generated clients that read the whole
/// body as one value (openapi-python-client) then hand back the stream's text instead of
/// failing to parse it as one event.
pub struct ChatEventStream;

impl PartialSchema for ChatEventStream {
    fn schema() -> RefOr<Schema> {
        let text = ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("The whole stream as text: `event:` and `data:` lines, a blank line after each event."));
        OneOfBuilder::new().item(Ref::from_schema_name(ChatStreamEvent::name())).item(text).into()
    }
}

impl ToSchema for ChatEventStream {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((ChatStreamEvent::name().into(), ChatStreamEvent::schema()));
        <ChatStreamEvent as ToSchema>::schemas(schemas);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_one_event_and_one_data_line() {
        let frame = ChatStreamEvent::Delta(ChatDelta { text: "two\nlines".into() }).frame();
        assert_eq!(frame, "event: delta\ndata: {\"text\":\"two\\nlines\"}\n\n");
    }

    #[test]
    fn the_schema_names_each_payload() {
        let schema = serde_json::to_value(ChatStreamEvent::schema()).unwrap();
        let variants = schema["oneOf"].as_array().unwrap();
        assert_eq!(variants.len(), 4);
        let done = &variants[2]["properties"];
        assert_eq!(done["event"]["enum"], json!(["done"]));
        assert_eq!(done["data"]["contentMediaType"], "application/json");
        assert_eq!(done["data"]["contentSchema"], json!({"$ref": "#/components/schemas/ChatMessage"}));
    }
}
