use secrecy::ExposeSecret;

use crate::config::{tests::load, SmtpTls};

#[test]
fn no_channel_is_configured_by_default() {
    let r = load(&[]).unwrap().reminders;
    assert!(!r.sms.is_configured() && !r.email.is_configured() && !r.push.is_configured());
    assert_eq!(r.sms.base_url, "https://api.twilio.com");
    assert_eq!(r.push.base_url, "https://fcm.googleapis.com");
    assert_eq!(r.email.tls, SmtpTls::Starttls);
}

#[test]
fn a_complete_channel_is_configured() {
    let r = load(&[
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", "AC1"),
        ("CARECHAT_REMINDERS__SMS__AUTH_TOKEN", "t"),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "+15005550006"),
    ])
    .unwrap()
    .reminders;
    assert!(r.sms.is_configured());
    assert_eq!(r.sms.auth_token.expose_secret(), "t");
    // Environment values are parsed as numbers when they look like one: the `+` comes back.
    assert_eq!(r.sms.from_number, "+15005550006");
    let r = load(&[
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", "AC1"),
        ("CARECHAT_REMINDERS__SMS__AUTH_TOKEN", "t"),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "12345"),
    ])
    .unwrap();
    assert_eq!(r.reminders.sms.from_number, "12345", "a short code stays as it is");
}

#[test]
fn a_half_configured_channel_names_the_missing_key() {
    let err = load(&[
        ("CARECHAT_REMINDERS__SMS__ACCOUNT_SID", "AC1"),
        ("CARECHAT_REMINDERS__SMS__FROM_NUMBER", "+15005550006"),
    ])
    .unwrap_err();
    assert!(err.contains("reminders.sms.auth_token"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__PUSH__PROJECT_ID", "p")]).unwrap_err();
    assert!(err.contains("reminders.push.access_token"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__EMAIL__HOST", "smtp.example")]).unwrap_err();
    assert!(err.contains("reminders.email.from"), "{err}");
}

#[test]
fn bad_values_name_their_key() {
    let err = load(&[
        ("CARECHAT_REMINDERS__EMAIL__HOST", "smtp.example"),
        ("CARECHAT_REMINDERS__EMAIL__FROM", "not a mailbox"),
    ])
    .unwrap_err();
    assert!(err.contains("reminders.email.from"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__SMS__BASE_URL", "ftp://twilio")]).unwrap_err();
    assert!(err.contains("reminders.sms.base_url"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__SMS__STATUS_CALLBACK_URL", "callback")]).unwrap_err();
    assert!(err.contains("reminders.sms.status_callback_url"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__EMAIL__TLS", "ssl")]).unwrap_err();
    assert!(err.contains("tls"), "{err}");
    let err = load(&[("CARECHAT_REMINDERS__PUSH__TIMEOUT_SECS", "0")]).unwrap_err();
    assert!(err.contains("reminders.push.timeout_secs"), "{err}");
}
