//! Blood requests end to end over HTTP: donor → donation → screening → available → request →
//! suggestion → allocation → crossmatch → issue → transfusion, a reaction report and the donor
//! recall list; emergency release for an unknown group; returns.

use chrono::{Duration, Utc};
use serde_json::{json, Value};

use super::flow::{create_donor, donate, lab_token, screen, ALL_NEGATIVE};
use crate::helpers::{expect_json, expect_problem, TestApp};

/// A donor of `group` whose whole-blood donation has been screened: the red-cell unit's id
/// (available) and the donor.
pub async fn stocked(app: &TestApp, token: &str, group: &str) -> (String, Value) {
    let donor = create_donor(app, token, json!({"bloodGroup": group, "aboConfirmed": true})).await;
    let body = json!({"donationType": "whole_blood", "hemoglobinGdl": 14.2, "volumeMl": 450});
    let donation = expect_json(donate(app, token, &donor, body).await, 201).await;
    let red = donation["units"][0]["unitId"].as_str().unwrap().to_owned();
    let screened = screen(app, token, &red, &ALL_NEGATIVE).await;
    assert_eq!(screened["status"], "cleared");
    (red, donor)
}

/// A request body for `units` red cells; `group` null means unknown.
pub fn request_body(group: Value, units: u32, urgency: &str) -> Value {
    json!({
        "patientName": "Marie Uwase",
        "patientMrn": "MRN-0042",
        "patientSex": "female",
        "patientDateOfBirth": "1991-02-03",
        "bloodGroup": group,
        "component": "red_cells",
        "units": units,
        "urgency": urgency,
        "department": "Maternity",
        "clinician": "Dr. Habimana",
        "neededBy": (Utc::now() + Duration::hours(3)).to_rfc3339(),
        "indication": "Postpartum haemorrhage"
    })
}

/// Enters a request and returns it.
pub async fn create_request(app: &TestApp, token: &str, body: &Value) -> Value {
    expect_json(app.send(app.post("/api/v1/blood/requests", Some(token), body)).await, 201).await
}

fn path(request: &Value, tail: &str) -> String {
    format!("/api/v1/blood/requests/{}{tail}", request["requestId"].as_str().unwrap())
}

fn allocation<'a>(request: &'a Value, unit: &str) -> &'a Value {
    request["allocations"].as_array().unwrap().iter().find(|a| a["unit"]["unitId"] == unit).unwrap()
}

/// The transfused unit's audit trail, and a reaction report linked to its donor and request.
async fn audited_and_reported(
    app: &TestApp,
    lab: &str,
    (a_pos, a_donor): (&str, &Value),
    request: &Value,
    o_neg: &str,
) {
    let events =
        expect_json(app.send(app.get(&format!("/api/v1/blood/units/{a_pos}/events"), Some(lab))).await, 200).await;
    let actions: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["collect", "release", "reserve", "issue", "transfuse"]);

    let reaction = json!({"unitId": a_pos, "reactionType": "febrile_non_haemolytic", "severity": "mild",
        "occurredAt": Utc::now().to_rfc3339(), "description": "38.4 °C, chills"});
    let reported = expect_json(app.send(app.post("/api/v1/blood/reactions", Some(lab), &reaction)).await, 201).await;
    assert_eq!(
        (reported["donorId"].clone(), reported["requestId"].clone()),
        (a_donor["donorId"].clone(), request["requestId"].clone())
    );
    let query = format!("/api/v1/blood/reactions?donorId={}", a_donor["donorId"].as_str().unwrap());
    let listed = expect_json(app.send(app.get(&query, Some(lab))).await, 200).await;
    assert_eq!(listed["total"], 1);
    let query = format!("/api/v1/blood/reactions?unitId={o_neg}");
    assert_eq!(expect_json(app.send(app.get(&query, Some(lab))).await, 200).await["total"], 0);
}

#[actix_web::test]
async fn a_request_goes_from_allocation_to_transfusion() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let (o_neg, _) = stocked(&app, &lab, "O-").await;
    let (a_pos, a_donor) = stocked(&app, &lab, "A+").await;
    let request = create_request(&app, &lab, &request_body(json!("A+"), 2, "routine")).await;
    assert_eq!((request["status"].clone(), request["shortfall"].clone()), (json!("open"), json!(2)));

    let suggested = expect_json(app.send(app.get(&path(&request, "/suggestions"), Some(&lab))).await, 200).await;
    assert_eq!(suggested["donorGroups"], json!(["A+", "A-", "O-", "O+"]));
    let order: Vec<&str> =
        suggested["units"].as_array().unwrap().iter().map(|u| u["unitId"].as_str().unwrap()).collect();
    assert_eq!(order, [a_pos.as_str(), o_neg.as_str()], "identical group first");
    let unit = expect_json(app.send(app.get(&format!("/api/v1/blood/units/{a_pos}"), Some(&lab))).await, 200).await;
    assert_eq!(unit["status"], "available", "a suggestion reserves nothing");

    let run = expect_json(app.send(app.post(&path(&request, "/allocate"), Some(&lab), &json!({}))).await, 200).await;
    assert_eq!(run["reserved"].as_array().unwrap().len(), 2);
    assert_eq!(
        (run["request"]["status"].clone(), run["request"]["unitsReserved"].clone()),
        (json!("fully_allocated"), json!(2))
    );
    let issue = json!({"unitIds": [a_pos, o_neg], "collectedBy": "Nurse Ingabire"});
    expect_problem(app.send(app.post(&path(&request, "/issue"), Some(&lab), &issue)).await, 409, "crossmatch_required")
        .await;

    for unit in [&a_pos, &o_neg] {
        let crossmatch = json!({"result": "compatible", "note": "IAT, no agglutination"});
        let tail = format!("/units/{unit}/crossmatch");
        let after = expect_json(app.send(app.post(&path(&request, &tail), Some(&lab), &crossmatch)).await, 200).await;
        assert_eq!(allocation(&after, unit)["crossmatch"]["result"], "compatible");
    }
    let issued = expect_json(app.send(app.post(&path(&request, "/issue"), Some(&lab), &issue)).await, 200).await;
    assert_eq!(issued["status"], "issued");
    assert_eq!(allocation(&issued, &a_pos)["collectedBy"], "Nurse Ingabire");
    assert_eq!(allocation(&issued, &a_pos)["emergencyRelease"], false);

    let given = json!({"administeredBy": "Nurse Ingabire"});
    let tail = format!("/units/{a_pos}/transfuse");
    let half = expect_json(app.send(app.post(&path(&request, &tail), Some(&lab), &given)).await, 200).await;
    assert_eq!((half["status"].clone(), half["unitsTransfused"].clone()), (json!("issued"), json!(1)));
    let tail = format!("/units/{o_neg}/transfuse");
    let done = expect_json(app.send(app.post(&path(&request, &tail), Some(&lab), &given)).await, 200).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(allocation(&done, &o_neg)["unit"]["status"], "transfused");
    assert_eq!(allocation(&done, &o_neg)["administeredBy"], "Nurse Ingabire");

    audited_and_reported(&app, &lab, (&a_pos, &a_donor), &request, &o_neg).await;
}

#[actix_web::test]
async fn donors_are_recalled_when_they_may_give_again() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let (_, donor) = stocked(&app, &lab, "B+").await;
    let today = Utc::now().date_naive();
    let none = expect_json(app.send(app.get("/api/v1/blood/recalls/due", Some(&lab))).await, 200).await;
    assert_eq!((none["on"].clone(), none["total"].clone()), (json!(today.to_string()), json!(0)));
    let due_day = today + Duration::days(56);
    let query = format!("/api/v1/blood/recalls/due?on={due_day}");
    let due = expect_json(app.send(app.get(&query, Some(&lab))).await, 200).await;
    let recall = &due["items"][0];
    assert_eq!(
        (recall["donorId"].clone(), recall["dueOn"].clone()),
        (donor["donorId"].clone(), json!(due_day.to_string()))
    );
    assert_eq!((recall["donorName"].clone(), recall["status"].clone()), (json!("Jean Bosco"), json!("pending")));
    let done_path = format!("/api/v1/blood/recalls/{}/done", recall["recallId"].as_str().unwrap());
    let done = expect_json(app.send(app.post(&done_path, Some(&lab), &json!({}))).await, 200).await;
    assert_eq!(done["status"], "done");
    expect_problem(app.send(app.post(&done_path, Some(&lab), &json!({}))).await, 409, "illegal_transition").await;
    assert_eq!(expect_json(app.send(app.get(&query, Some(&lab))).await, 200).await["total"], 0);
}

#[actix_web::test]
async fn an_unknown_group_gets_universal_donors_under_emergency_release() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let (o_neg, _) = stocked(&app, &lab, "O-").await;
    let (o_pos, _) = stocked(&app, &lab, "O+").await;
    let (_a_pos, _) = stocked(&app, &lab, "A+").await;
    let mut body = request_body(Value::Null, 1, "emergency");
    body["patientSex"] = json!("male");
    let request = create_request(&app, &lab, &body).await;
    assert_eq!(request["bloodGroup"], Value::Null);
    let suggested = expect_json(app.send(app.get(&path(&request, "/suggestions"), Some(&lab))).await, 200).await;
    assert_eq!((suggested["unknownGroup"].clone(), suggested["rhPositiveAllowed"].clone()), (json!(true), json!(true)));
    assert_eq!(suggested["donorGroups"], json!(["O+", "O-"]), "O+ spares O- for a documented man");

    let run = expect_json(app.send(app.post(&path(&request, "/allocate"), Some(&lab), &json!({}))).await, 200).await;
    assert_eq!(run["reserved"][0]["unitId"], o_pos);
    let issue = json!({"unitIds": [o_pos], "collectedBy": "ER porter"});
    let issued = expect_json(app.send(app.post(&path(&request, "/issue"), Some(&lab), &issue)).await, 200).await;
    assert_eq!(allocation(&issued, &o_pos)["emergencyRelease"], true, "uncrossmatched and flagged");

    let tail = format!("/units/{o_pos}/return");
    let back = expect_json(app.send(app.post(&path(&request, &tail), Some(&lab), &json!({}))).await, 200).await;
    assert_eq!(allocation(&back, &o_pos)["returnOutcome"], "restocked");
    assert_eq!((back["status"].clone(), back["shortfall"].clone()), (json!("open"), json!(1)));

    // A woman of child-bearing age with an unknown group gets O- only.
    let girl = create_request(&app, &lab, &request_body(Value::Null, 2, "emergency")).await;
    let suggested = expect_json(app.send(app.get(&path(&girl, "/suggestions"), Some(&lab))).await, 200).await;
    assert_eq!(suggested["donorGroups"], json!(["O-"]));
    let run = expect_json(app.send(app.post(&path(&girl, "/allocate"), Some(&lab), &json!({}))).await, 200).await;
    assert_eq!(run["reserved"].as_array().unwrap().len(), 1, "one O- unit in stock");
    assert_eq!(run["reserved"][0]["unitId"], o_neg);
    assert_eq!(
        (run["request"]["status"].clone(), run["request"]["shortfall"].clone()),
        (json!("partially_allocated"), json!(1))
    );
}

#[actix_web::test]
async fn returns_are_checked_and_cancellation_releases_units() {
    let Some(app) = TestApp::spawn().await else { return };
    let lab = lab_token(&app).await;
    let (first, _) = stocked(&app, &lab, "AB+").await;
    let (second, _) = stocked(&app, &lab, "AB+").await;
    let request = create_request(&app, &lab, &request_body(json!("AB+"), 2, "emergency")).await;
    expect_json(app.send(app.post(&path(&request, "/allocate"), Some(&lab), &json!({}))).await, 200).await;
    let issue = json!({"unitIds": [first], "collectedBy": "Porter"});
    expect_json(app.send(app.post(&path(&request, "/issue"), Some(&lab), &issue)).await, 200).await;
    let cancel = json!({"reason": "Bleeding controlled"});
    let out = app.send(app.post(&path(&request, "/cancel"), Some(&lab), &cancel)).await;
    let problem = expect_problem(out, 409, "illegal_transition").await;
    assert!(problem["detail"].as_str().unwrap().contains("out on issue"), "{problem}");

    let tail = format!("/units/{first}/return");
    let future = json!({"returnedAt": (Utc::now() + Duration::hours(1)).to_rfc3339()});
    let problem =
        expect_problem(app.send(app.post(&path(&request, &tail), Some(&lab), &future)).await, 422, "validation_failed")
            .await;
    assert_eq!(problem["errors"][0]["pointer"], "/returnedAt");
    let early = json!({"returnedAt": (Utc::now() - Duration::hours(1)).to_rfc3339()});
    expect_problem(app.send(app.post(&path(&request, &tail), Some(&lab), &early)).await, 422, "validation_failed")
        .await;
    let in_time = json!({"storedInValidatedContainer": true});
    let back = expect_json(app.send(app.post(&path(&request, &tail), Some(&lab), &in_time)).await, 200).await;
    assert_eq!(allocation(&back, &first)["returnOutcome"], "restocked", "within the 30-minute window");
    let again = app.send(app.post(&path(&request, &tail), Some(&lab), &json!({}))).await;
    expect_problem(again, 409, "unit_not_allocated").await;

    let cancelled = expect_json(app.send(app.post(&path(&request, "/cancel"), Some(&lab), &cancel)).await, 200).await;
    let summary = (cancelled["status"].clone(), cancelled["cancelReason"].clone());
    assert_eq!(summary, (json!("cancelled"), json!("Bleeding controlled")));
    assert_eq!(allocation(&cancelled, &second)["releaseReason"], "request_cancelled");
    for unit in [&first, &second] {
        let unit = expect_json(app.send(app.get(&format!("/api/v1/blood/units/{unit}"), Some(&lab))).await, 200).await;
        assert_eq!((unit["status"].clone(), unit["reservedForRequest"].clone()), (json!("available"), Value::Null));
    }
    let again = app.send(app.post(&path(&request, "/allocate"), Some(&lab), &json!({}))).await;
    expect_problem(again, 409, "illegal_transition").await;
}
