use lettre::message::Mailbox;
use uuid::Uuid;

use super::{build_message, message_id};
use crate::tracks::track1::reminders::channels::OutboundMessage;

fn message(to: &str) -> OutboundMessage {
    OutboundMessage {
        delivery_id: Uuid::nil(),
        to: to.into(),
        title: "Your pills".into(),
        body: "Take one now.".into(),
    }
}

#[test]
fn the_message_id_comes_from_the_delivery_and_the_sender_domain() {
    let from: Mailbox = "CareChat <reminders@clinic.example>".parse().unwrap();
    assert_eq!(message_id(Uuid::nil(), &from), "<00000000-0000-0000-0000-000000000000@clinic.example>");
    let email = build_message(&from, &message("amina@example.org")).unwrap();
    let text = String::from_utf8(email.formatted()).unwrap();
    assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000000@clinic.example>"), "{text}");
    assert!(text.contains("Subject: Your pills"), "{text}");
    assert!(text.contains("To: amina@example.org"), "{text}");
    assert!(text.contains("Take one now."), "{text}");
}

#[test]
fn a_malformed_recipient_is_refused_for_good() {
    let from: Mailbox = "reminders@clinic.example".parse().unwrap();
    let (code, why) = build_message(&from, &message("not an address")).unwrap_err();
    assert_eq!(code, "invalid_recipient");
    assert!(why.contains("not an address"));
}
