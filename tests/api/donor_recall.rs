//! Donor recall through the reminders engine (Tracks 1 and 3 together): a donor with an account
//! gets a reminder on the day they may give again, exactly once; a donor without one stays on
//! the staff list.

use carechat::{
    app,
    gateway::identity::store::IdentityStores,
    storage::StoreName,
    tracks::{
        donor_recall::{DonorRecallBridge, RecallRun},
        track1::reminders::store::ReminderStores,
        track3::store::Track3Stores,
    },
};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use crate::{
    helpers::{expect_json, unique_phone, TestApp},
    reminders::NO_ENGINE,
    track3::flow::{create_donor, donate, lab_token},
};

/// The bridge on the application's databases (the background pass is off with the engine).
async fn bridge(app: &TestApp) -> DonorRecallBridge {
    let stores = app::prepare_storage(&app.settings).await.unwrap();
    DonorRecallBridge::new(
        Track3Stores::build(stores.get(StoreName::Track3)).unwrap().recalls,
        IdentityStores::build(stores.get(StoreName::Identity)).users,
        ReminderStores::build(stores.get(StoreName::Track1)).reminders,
        vec![],
        app.settings.clinic.time_zone,
    )
}

async fn due_on(app: &TestApp, lab: &str, day: NaiveDate) -> Vec<Value> {
    let path = format!("/api/v1/blood/recalls/due?on={day}");
    let page = expect_json(app.send(app.get(&path, Some(lab))).await, 200).await;
    page["items"].as_array().unwrap().clone()
}

#[actix_web::test]
async fn a_donor_with_an_account_is_reminded_once_when_eligible_again() {
    let Some(app) = TestApp::spawn_with(&[NO_ENGINE]).await else { return };
    let (patient, _, account) = app.register_patient().await;
    let lab = lab_token(&app).await;
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.1, "volumeMl": 450, "bloodGroup": "O-"});
    let with_account = create_donor(&app, &lab, json!({"phoneNumber": account["phoneNumber"]})).await;
    expect_json(donate(&app, &lab, &with_account, body.clone()).await, 201).await;
    let without = create_donor(&app, &lab, json!({"fullName": "Eric Mugabo", "phoneNumber": unique_phone()})).await;
    expect_json(donate(&app, &lab, &without, body).await, 201).await;

    let bridge = bridge(&app).await;
    let today = Utc::now();
    assert_eq!(bridge.run_once(today).await.unwrap(), RecallRun::default(), "nobody is due yet");

    // Whole blood: 56 days between donations.
    let eligible_day = (today + Duration::days(56)).date_naive();
    let then = today + Duration::days(57);
    assert_eq!(bridge.run_once(then).await.unwrap(), RecallRun { reminded: 1, without_account: 1 });
    assert_eq!(bridge.run_once(then).await.unwrap(), RecallRun { reminded: 0, without_account: 1 }, "once");

    let mine = expect_json(app.send(app.get("/api/v1/reminders", Some(&patient))).await, 200).await;
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let reminder = &items[0];
    assert_eq!(reminder["category"], "donor_recall");
    assert_eq!(reminder["reminderType"], "followup");
    assert_eq!(reminder["delivery"]["methods"], json!(["in_app"]), "no SMS or email channel is configured");
    assert!(reminder["message"].as_str().unwrap().contains(&eligible_day.to_string()), "{reminder}");
    let at: chrono::DateTime<Utc> = reminder["schedule"]["scheduledTime"].as_str().unwrap().parse().unwrap();
    assert!(at > then && at <= then + Duration::minutes(2), "the due day's 10:00 has passed: sent at once ({at})");

    let left = due_on(&app, &lab, eligible_day).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["donorId"], without["donorId"]);
}
