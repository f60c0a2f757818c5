//! The blood bank end to end over HTTP: donor → eligibility → donation → screening →
//! available → inventory, with the lifecycle's refusals along the way.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use crate::helpers::{expect_json, expect_problem, unique_phone, TestApp, PASSWORD};

/// A lab user's token (a staff-side role other than admin).
pub async fn lab_token(app: &TestApp) -> String {
    let admin = app.admin_token().await;
    let phone = unique_phone();
    let lab = json!({"fullName": "Lab Tech", "phoneNumber": phone, "password": PASSWORD, "role": "lab"});
    expect_json(app.send(app.post("/api/v1/admin/users", Some(&admin), &lab)).await, 201).await;
    app.login_ok(&phone, PASSWORD).await.0
}

/// Registers a donor and returns it.
pub async fn create_donor(app: &TestApp, token: &str, extra: Value) -> Value {
    let mut body = json!({"fullName": "Jean Bosco", "dateOfBirth": "1990-04-12", "sex": "male", "weightKg": 72.5});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    expect_json(app.send(app.post("/api/v1/blood/donors", Some(token), &body)).await, 201).await
}

/// Records a donation for `donor` and returns the response.
pub async fn donate(app: &TestApp, token: &str, donor: &Value, body: Value) -> reqwest::Response {
    let path = format!("/api/v1/blood/donors/{}/donations", donor["donorId"].as_str().unwrap());
    app.send(app.post(&path, Some(token), &body)).await
}

/// Records screening results (`test` → `result`) through one unit.
pub async fn screen(app: &TestApp, token: &str, unit_id: &str, results: &[(&str, &str)]) -> Value {
    let results: Vec<Value> = results.iter().map(|(t, r)| json!({"test": t, "result": r})).collect();
    let path = format!("/api/v1/blood/units/{unit_id}/screening");
    expect_json(app.send(app.post(&path, Some(token), &json!({"results": results}))).await, 200).await
}

/// Every required test negative.
pub const ALL_NEGATIVE: [(&str, &str); 5] =
    [("hiv", "negative"), ("hbv", "negative"), ("hcv", "negative"), ("syphilis", "negative"), ("htlv", "negative")];

/// A whole-blood donation collected 43 days ago; its red-cell unit, which reads as expired (red
/// cells keep 42 days).
pub async fn expired_red_cells(app: &TestApp, token: &str) -> String {
    let donor = create_donor(app, token, json!({"bloodGroup": "AB-"})).await;
    let collected = (Utc::now() - Duration::days(43)).to_rfc3339();
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.0, "volumeMl": 450, "collectedAt": collected});
    let donation = expect_json(donate(app, token, &donor, body).await, 201).await;
    let red = donation["units"][0]["unitId"].as_str().unwrap().to_owned();
    let unit = expect_json(app.send(app.get(&format!("/api/v1/blood/units/{red}"), Some(token))).await, 200).await;
    assert_eq!(unit["status"], "expired");
    red
}

fn line<'a>(inventory: &'a Value, component: &str, group: &str) -> &'a Value {
    inventory["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["component"] == component && l["bloodGroup"] == group)
        .unwrap()
}

/// A lab user, an O− donor and a whole-blood donation: `(token, donor, donation)`.
async fn donated(app: &TestApp) -> (String, Value, Value) {
    let lab = lab_token(app).await;
    let donor = create_donor(app, &lab, json!({"phoneNumber": "+250788123456"})).await;
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.1, "volumeMl": 450, "bloodGroup": "O-"});
    let donation = expect_json(donate(app, &lab, &donor, body).await, 201).await;
    (lab, donor, donation)
}

#[actix_web::test]
async fn an_eligible_donor_gives_and_then_must_wait() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let donor = create_donor(&app, &lab, json!({})).await;
    assert_eq!((donor["bloodGroup"].clone(), donor["aboConfirmed"].clone()), (Value::Null, json!(false)));
    let id = donor["donorId"].as_str().unwrap();
    let eligibility = format!("/api/v1/blood/donors/{id}/eligibility?hemoglobinGdl=14.1");
    let answer = expect_json(app.send(app.get(&eligibility, Some(&lab))).await, 200).await;
    assert_eq!((answer["eligible"].clone(), answer["hemoglobinAssessed"].clone()), (json!(true), json!(true)));

    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.1, "volumeMl": 450, "bloodGroup": "O-"});
    let donation = expect_json(donate(&app, &lab, &donor, body).await, 201).await;
    let units = donation["units"].as_array().unwrap();
    let components: Vec<&str> = units.iter().map(|u| u["component"].as_str().unwrap()).collect();
    assert_eq!(components, ["red_cells", "plasma"]);
    assert!(units.iter().all(|u| u["status"] == "quarantined" && u["quarantineReason"] == "awaiting_screening"));
    let din = donation["donationNumber"].as_str().unwrap();
    assert!(din.starts_with("A9999") && din.len() == 13, "{din}");
    let collected = chrono::DateTime::parse_from_rfc3339(donation["collectedAt"].as_str().unwrap()).unwrap();
    let expires = chrono::DateTime::parse_from_rfc3339(units[0]["expiresAt"].as_str().unwrap()).unwrap();
    assert_eq!(expires - collected, Duration::days(42));

    let after = expect_json(app.send(app.get(&format!("/api/v1/blood/donors/{id}"), Some(&lab))).await, 200).await;
    assert_eq!(after["bloodGroup"], "O-");
    let check = format!("/api/v1/blood/donors/{id}/eligibility");
    let answer = expect_json(app.send(app.get(&check, Some(&lab))).await, 200).await;
    assert_eq!(
        (answer["eligible"].clone(), answer["reasons"][0]["code"].clone()),
        (json!(false), json!("donation_interval"))
    );
    let next = (Utc::now().date_naive() + Duration::days(56)).to_string();
    assert_eq!(answer["nextEligibleOn"], next);
    let again = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.0, "volumeMl": 450});
    let problem = expect_problem(donate(&app, &lab, &donor, again).await, 409, "donor_not_eligible").await;
    assert!(problem["detail"].as_str().unwrap().contains(&format!("next eligible on {next}")), "{problem}");
    let history =
        expect_json(app.send(app.get(&format!("/api/v1/blood/donors/{id}/donations"), Some(&lab))).await, 200).await;
    assert_eq!(history["total"], 1);
}

#[actix_web::test]
async fn screening_releases_units_into_the_inventory() {
    let Some(app) = TestApp::spawn().await else { return };
    let (lab, _, donation) = donated(&app).await;
    let red = donation["units"][0]["unitId"].as_str().unwrap().to_owned();
    let pending = screen(&app, &lab, &red, &ALL_NEGATIVE[..4]).await;
    assert_eq!((pending["status"].clone(), pending["outstandingTests"].clone()), (json!("pending"), json!(["htlv"])));
    let cleared = screen(&app, &lab, &red, &ALL_NEGATIVE[4..]).await;
    assert_eq!(cleared["status"], "cleared");
    assert!(cleared["units"].as_array().unwrap().iter().all(|u| u["status"] == "available"), "{cleared}");

    let inventory = expect_json(app.send(app.get("/api/v1/blood/inventory", Some(&lab))).await, 200).await;
    let o_neg = line(&inventory, "red_cells", "O-");
    assert_eq!(
        (o_neg["available"].clone(), o_neg["minimum"].clone(), o_neg["belowMinimum"].clone()),
        (json!(1), json!(10), json!(true))
    );
    assert_eq!(inventory["lines"].as_array().unwrap().len(), 40);
    assert!(inventory["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["component"] == "red_cells" && a["bloodGroup"] == "O-"));

    let query = "/api/v1/blood/units?status=available&abo=O&rh=negative&component=red_cells";
    let listed = expect_json(app.send(app.get(query, Some(&lab))).await, 200).await;
    assert_eq!((listed["total"].clone(), listed["items"][0]["unitId"].clone()), (json!(1), json!(red)));
    let events =
        expect_json(app.send(app.get(&format!("/api/v1/blood/units/{red}/events"), Some(&lab))).await, 200).await;
    let actions: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["collect", "release"]);

    let discard = format!("/api/v1/blood/units/{red}/discard");
    let gone =
        expect_json(app.send(app.post(&discard, Some(&lab), &json!({"reason": "damaged_bag"}))).await, 200).await;
    assert_eq!((gone["status"].clone(), gone["discardReason"].clone()), (json!("discarded"), json!("damaged_bag")));
    let again = app.send(app.post(&discard, Some(&lab), &json!({"reason": "other"}))).await;
    expect_problem(again, 409, "illegal_transition").await;
}

#[actix_web::test]
async fn a_positive_screen_discards_every_unit_of_the_donation() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let donor = create_donor(&app, &admin, json!({"bloodGroup": "A+"})).await;
    let body = json!({"donationType": "platelets", "hemoglobinGdl": 13.5, "volumeMl": 300, "components": ["platelets", "platelets", "plasma"]});
    let donation = expect_json(donate(&app, &admin, &donor, body).await, 201).await;
    let units = donation["units"].as_array().unwrap();
    let codes: Vec<&str> = units.iter().map(|u| u["productCode"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E3072VA0", "E3072VB0", "E2555V00"]);
    let outcome = screen(&app, &admin, units[2]["unitId"].as_str().unwrap(), &[("hiv", "positive")]).await;
    assert_eq!(outcome["status"], "reactive");
    for unit in outcome["units"].as_array().unwrap() {
        assert_eq!(
            (unit["status"].clone(), unit["discardReason"].clone()),
            (json!("discarded"), json!("positive_screening"))
        );
    }
    let later = screen(&app, &admin, units[0]["unitId"].as_str().unwrap(), &ALL_NEGATIVE).await;
    assert_eq!(later["status"], "reactive", "a positive result is never undone");
}

#[actix_web::test]
async fn excursions_quarantine_and_assessed_units_are_released() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let donor = create_donor(&app, &admin, json!({"bloodGroup": "B+", "aboConfirmed": true})).await;
    let body = json!({"donationType": "double_red_cells", "hemoglobinGdl": 15.0, "volumeMl": 400});
    let donation = expect_json(donate(&app, &admin, &donor, body).await, 201).await;
    let ids: Vec<String> =
        donation["units"].as_array().unwrap().iter().map(|u| u["unitId"].as_str().unwrap().to_owned()).collect();
    let release = format!("/api/v1/blood/units/{}/release", ids[0]);
    let note = json!({"note": "assessed"});
    expect_problem(app.send(app.post(&release, Some(&admin), &note)).await, 409, "unit_not_releasable").await;
    screen(&app, &admin, &ids[0], &ALL_NEGATIVE).await;

    let started = (Utc::now() - Duration::hours(1)).to_rfc3339();
    let excursion =
        json!({"unitIds": [ids[0], ids[1], ids[0]], "location": "Fridge 2", "temperatureC": 9.5, "startedAt": started});
    let recorded =
        expect_json(app.send(app.post("/api/v1/blood/temperature-excursions", Some(&admin), &excursion)).await, 201)
            .await;
    let units = recorded["units"].as_array().unwrap();
    assert_eq!(units.len(), 2, "a repeated id counts once");
    assert!(units.iter().all(|u| u["status"] == "quarantined" && u["quarantineReason"] == "temperature_excursion"));

    let released = expect_json(app.send(app.post(&release, Some(&admin), &note)).await, 200).await;
    assert_eq!(released["status"], "available");
    expect_problem(app.send(app.post(&release, Some(&admin), &note)).await, 409, "illegal_transition").await;
    let events =
        expect_json(app.send(app.get(&format!("/api/v1/blood/units/{}/events", ids[0]), Some(&admin))).await, 200)
            .await;
    let quarantine = events.as_array().unwrap().iter().find(|e| e["action"] == "quarantine").unwrap();
    assert_eq!(quarantine["excursionId"], recorded["excursionId"]);
    assert!(quarantine["requestId"].as_str().is_some_and(|r| !r.is_empty()), "{quarantine}");

    let ghost = json!({"unitIds": [uuid::Uuid::now_v7()], "temperatureC": 9.5, "startedAt": started});
    expect_problem(
        app.send(app.post("/api/v1/blood/temperature-excursions", Some(&admin), &ghost)).await,
        404,
        "unit_not_found",
    )
    .await;
}

#[actix_web::test]
async fn units_past_expiry_are_expired_when_read() {
    let Some(app) = TestApp::spawn().await else { return };
    let admin = app.admin_token().await;
    let red = expired_red_cells(&app, &admin).await;
    let outcome = screen(&app, &admin, &red, &ALL_NEGATIVE).await;
    let statuses: Vec<&str> =
        outcome["units"].as_array().unwrap().iter().map(|u| u["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["expired", "available"], "expired units are never released");
    let inventory =
        expect_json(app.send(app.get("/api/v1/blood/inventory?expiringWithinDays=365", Some(&admin))).await, 200).await;
    assert_eq!(line(&inventory, "red_cells", "AB-")["available"], 0);
    assert_eq!(line(&inventory, "plasma", "AB-")["expiringSoon"], 1);
    let discard = format!("/api/v1/blood/units/{red}/discard");
    let gone = expect_json(app.send(app.post(&discard, Some(&admin), &json!({"reason": "expired"}))).await, 200).await;
    assert_eq!(gone["status"], "discarded");
}
