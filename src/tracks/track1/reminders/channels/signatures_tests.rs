use chrono::{TimeZone, Utc};

use super::{email_event_signature, twilio_signature, verify_email_event, verify_twilio, SignatureError as E};

const TWILIO_URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

fn twilio_params(caller: &str) -> Vec<(String, String)> {
    // Deliberately not in sorted order: the signer sorts.
    [("To", "+18005551212"), ("Digits", "1234"), ("CallSid", "CA1234567890ABCDE"), ("From", caller), ("Caller", caller)]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn twilio_signatures_match_twilios_published_examples() {
    // The example of Twilio's webhook security page, and the vector of its C# SDK's
    // RequestValidatorTest (both also reproduced with `openssl dgst -sha1 -hmac 12345`).
    assert_eq!(twilio_signature("12345", TWILIO_URL, &twilio_params("+12349013030")), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    assert_eq!(twilio_signature("12345", TWILIO_URL, &twilio_params("+14158675309")), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    let params = twilio_params("+14158675309");
    assert_eq!(verify_twilio("12345", TWILIO_URL, &params, Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=")), Ok(()));
}

#[test]
fn twilio_verification_refuses_anything_else() {
    let params = twilio_params("+14158675309");
    let good = Some("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    assert_eq!(verify_twilio("54321", TWILIO_URL, &params, good), Err(E::Mismatch));
    assert_eq!(verify_twilio("12345", "https://mycompany.com/myapp.php?foo=1&bar=3", &params, good), Err(E::Mismatch));
    let mut tampered = params.clone();
    tampered[1].1 = "9999".into();
    assert_eq!(verify_twilio("12345", TWILIO_URL, &tampered, good), Err(E::Mismatch));
    assert_eq!(verify_twilio("12345", TWILIO_URL, &params, Some("not base64!")), Err(E::Mismatch));
    assert_eq!(verify_twilio("12345", TWILIO_URL, &params, None), Err(E::Missing));
    assert_eq!(verify_twilio("", TWILIO_URL, &params, good), Err(E::NotConfigured));
}

#[test]
fn email_event_signature_is_hmac_sha256_over_timestamp_and_body() {
    // Reproducible: printf '%s' '1767225600[{"event":"delivered"}]' |
    //   openssl dgst -sha256 -hmac 'whsec-test' -binary | openssl base64
    let body = br#"[{"event":"delivered"}]"#;
    let signature = email_event_signature("whsec-test", "1767225600", body);
    assert_eq!(signature, "ZYHiRrqlOfrYl2x22BpDLfAtIAQ0dDeDPEX0DmEFQYY=");
    let now = Utc.timestamp_opt(1_767_225_600 + 60, 0).unwrap();
    assert_eq!(verify_email_event("whsec-test", Some("1767225600"), Some(&signature), body, now, 300), Ok(()));
}

#[test]
fn email_event_verification_refuses_replays_tampering_and_gaps() {
    let body = br#"[{"event":"bounce"}]"#;
    let signature = email_event_signature("s3cret", "1767225600", body);
    let sig = Some(signature.as_str());
    let now = Utc.timestamp_opt(1_767_225_600, 0).unwrap();
    let check = |secret, ts, sig, body: &[u8], now| verify_email_event(secret, ts, sig, body, now, 300);
    assert_eq!(check("s3cret", Some("1767225600"), sig, br#"[{"event":"delivered"}]"#, now), Err(E::Mismatch));
    assert_eq!(check("other", Some("1767225600"), sig, body, now), Err(E::Mismatch));
    assert_eq!(check("s3cret", Some("1767225601"), sig, body, now), Err(E::Mismatch));
    let later = now + chrono::Duration::seconds(301);
    assert_eq!(check("s3cret", Some("1767225600"), sig, body, later), Err(E::Stale));
    assert_eq!(check("s3cret", Some("yesterday"), sig, body, now), Err(E::Stale));
    assert_eq!(check("s3cret", None, sig, body, now), Err(E::Missing));
    assert_eq!(check("s3cret", Some("1767225600"), None, body, now), Err(E::Missing));
    assert_eq!(check("", Some("1767225600"), sig, body, now), Err(E::NotConfigured));
}
