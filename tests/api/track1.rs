//! Track 1's scope as mounted by the gateway.

use crate::helpers::{expect_json, expect_problem, TestApp};

#[actix_web::test]
async fn feedback_session_types_need_a_token_and_list_four() {
    let Some(app) = TestApp::spawn().await else { return };
    let path = "/api/v1/feedback/session-types";
    expect_problem(app.send(app.get(path, None)).await, 401, "authentication_required").await;
    let (token, _, _) = app.register_patient().await;
    let types = expect_json(app.send(app.get(path, Some(&token))).await, 200).await;
    let names: Vec<&str> = types.as_array().unwrap().iter().map(|t| t["sessionType"].as_str().unwrap()).collect();
    assert_eq!(names, ["post_visit", "medication", "service_quality", "general"]);
    assert!(types[0]["description"].as_str().is_some_and(|d| !d.is_empty()));
}

mod feedback {
    use serde_json::{json, Value};

    use crate::helpers::{expect_json, expect_problem, pointers, TestApp};

    async fn start(app: &TestApp, token: &str, body: &Value) -> Value {
        expect_json(app.send(app.post("/api/v1/feedback/sessions", Some(token), body)).await, 201).await
    }

    async fn answer(app: &TestApp, token: &str, id: &str, answers: Value) -> reqwest::Response {
        let path = format!("/api/v1/feedback/sessions/{id}/answers");
        app.send(app.post(&path, Some(token), &json!({ "answers": answers }))).await
    }

    async fn submit(app: &TestApp, token: &str, id: &str) -> reqwest::Response {
        app.send(app.post(&format!("/api/v1/feedback/sessions/{id}/submit"), Some(token), &json!({}))).await
    }

    /// A submitted post-visit session of a new patient: `(patient token, session)`.
    async fn submitted(app: &TestApp, comment: &str, department: &str) -> (String, Value) {
        let (token, _, _) = app.register_patient().await;
        let session = start(app, &token, &json!({"sessionType": "post_visit", "department": department})).await;
        let id = session["sessionId"].as_str().unwrap().to_owned();
        let answers = json!([
            {"questionId": "overall", "response": 4},
            {"questionId": "recommend", "response": 9},
            {"questionId": "comments", "response": comment}
        ]);
        expect_json(answer(app, &token, &id, answers).await, 200).await;
        (token.clone(), expect_json(submit(app, &token, &id).await, 200).await)
    }

    #[actix_web::test]
    async fn feedback_patient_flow_answers_validates_submits_and_escalates() {
        let Some(app) = TestApp::spawn().await else { return };
        let (token, _, _) = app.register_patient().await;
        let body = json!({"sessionType": "post_visit", "department": "cardiology", "visitDate": "2026-11-20",
            "visitType": "consultation", "language": "en"});
        let session = start(&app, &token, &body).await;
        assert_eq!(session["status"], "in_progress");
        assert_eq!(session["questionnaire"]["id"], "default-post-visit");
        let id = session["sessionId"].as_str().unwrap();

        let one =
            expect_json(answer(&app, &token, id, json!([{"questionId": "overall", "response": 2}])).await, 200).await;
        assert_eq!(one["overallRating"], 2.0);
        assert_eq!(one["analytics"]["abandonedAt"], "wait_time");

        let bad = json!([{"questionId": "overall", "response": 9}, {"questionId": "nope", "response": 1},
            {"questionId": "wait_time", "response": "forever"}]);
        let problem = expect_problem(answer(&app, &token, id, bad).await, 422, "validation_failed").await;
        assert_eq!(pointers(&problem), ["/answers/0/response", "/answers/1/questionId", "/answers/2/response"]);

        let early = expect_problem(submit(&app, &token, id).await, 422, "validation_failed").await;
        assert_eq!(pointers(&early), ["/answers"]);

        let answers = json!([{"questionId": "recommend", "response": 3},
            {"questionId": "comments", "response": "Since the new tablets I have chest pain at night."}]);
        let resumed = expect_json(answer(&app, &token, id, answers).await, 200).await;
        assert_eq!(resumed["responses"].as_array().unwrap().len(), 3);
        let again =
            expect_json(app.send(app.get(&format!("/api/v1/feedback/sessions/{id}"), Some(&token))).await, 200).await;
        assert_eq!(again["responses"], resumed["responses"]);

        let done = expect_json(submit(&app, &token, id).await, 200).await;
        assert_eq!(done["status"], "completed");
        assert_eq!(done["analytics"]["escalationLevel"], 3);
        assert_eq!(done["analytics"]["followUpRequired"], true);
        assert_eq!(done["urgency"], "high");
        assert_eq!(done["recommendationScore"], 3);
        expect_problem(submit(&app, &token, id).await, 409, "session_closed").await;

        let admin = app.admin_token().await;
        let path = format!("/api/v1/feedback/sessions/{id}/notifications");
        let notices = expect_json(app.send(app.get(&path, Some(&admin))).await, 200).await;
        assert_eq!(notices.as_array().unwrap().len(), 1);
        assert_eq!(notices[0]["kind"], "feedback_escalation");
        assert_eq!(notices[0]["level"], 3);
        assert_eq!(notices[0]["consumedAt"], Value::Null);

        let mine = expect_json(app.send(app.get("/api/v1/feedback/sessions/mine", Some(&token))).await, 200).await;
        assert_eq!(mine["total"], 1);
        assert_eq!(mine["items"][0]["sessionId"], id);
    }

    #[actix_web::test]
    async fn feedback_patients_reach_only_their_own_sessions_and_no_staff_routes() {
        let Some(app) = TestApp::spawn().await else { return };
        let (owner, session) = submitted(&app, "Lovely staff, thank you.", "oncology").await;
        let id = session["sessionId"].as_str().unwrap();
        let (other, _, _) = app.register_patient().await;
        let path = format!("/api/v1/feedback/sessions/{id}");
        expect_problem(app.send(app.get(&path, Some(&other))).await, 403, "forbidden").await;
        expect_problem(
            answer(&app, &other, id, json!([{"questionId": "overall", "response": 1}])).await,
            403,
            "forbidden",
        )
        .await;
        let theirs = expect_json(app.send(app.get("/api/v1/feedback/sessions/mine", Some(&other))).await, 200).await;
        assert_eq!(theirs["total"], 0);
        expect_json(app.send(app.get(&path, Some(&owner))).await, 200).await;

        expect_problem(app.send(app.get("/api/v1/feedback/review-queue", Some(&other))).await, 403, "forbidden").await;
        let review = json!({"reviewStatus": "reviewed"});
        let review_path = format!("/api/v1/feedback/sessions/{id}/review");
        expect_problem(app.send(app.post(&review_path, Some(&owner), &review)).await, 403, "forbidden").await;
        let template = json!({"id": "x", "sessionType": "general", "defaultLanguage": "en", "title": {"en": "X"},
            "questions": [{"id": "q", "responseType": "text", "required": false, "text": {"en": "Q?"}}]});
        let create = app.post("/api/v1/feedback/templates", Some(&owner), &template);
        expect_problem(app.send(create).await, 403, "forbidden").await;
    }

    #[actix_web::test]
    async fn feedback_staff_queue_sorts_by_urgency_and_reviews_step_by_step() {
        let Some(app) = TestApp::spawn().await else { return };
        let (_, calm) = submitted(&app, "Everything was fine.", "cardiology").await;
        let (_, urgent) = submitted(&app, "The nurse gave me the wrong medication.", "cardiology").await;
        let (_, elsewhere) = submitted(&app, "Good.", "oncology").await;
        let admin = app.admin_token().await;

        let queue = expect_json(app.send(app.get("/api/v1/feedback/review-queue", Some(&admin))).await, 200).await;
        assert_eq!(queue["total"], 3);
        assert_eq!(queue["items"][0]["sessionId"], urgent["sessionId"]);
        let cardio = "/api/v1/feedback/review-queue?department=Cardiology&status=pending&perPage=1&page=2";
        let page = expect_json(app.send(app.get(cardio, Some(&admin))).await, 200).await;
        assert_eq!(
            (page["total"].as_u64(), page["items"][0]["sessionId"].clone()),
            (Some(2), calm["sessionId"].clone())
        );
        let high = "/api/v1/feedback/review-queue?urgency=high";
        let page = expect_json(app.send(app.get(high, Some(&admin))).await, 200).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1);
        assert_ne!(page["items"][0]["sessionId"], elsewhere["sessionId"]);

        let id = urgent["sessionId"].as_str().unwrap();
        let path = format!("/api/v1/feedback/sessions/{id}/review");
        let skip = json!({"reviewStatus": "acted_upon"});
        expect_problem(app.send(app.post(&path, Some(&admin), &skip)).await, 409, "illegal_transition").await;
        let step = json!({"reviewStatus": "reviewed", "assignedTo": "Nurse Uwase", "notes": "Calling today."});
        let reviewed = expect_json(app.send(app.post(&path, Some(&admin), &step)).await, 200).await;
        assert_eq!(reviewed["reviewStatus"], "reviewed");
        assert_eq!(reviewed["assignedTo"], "Nurse Uwase");
        assert!(reviewed["reviewedAt"].is_string());
        let acted = expect_json(app.send(app.post(&path, Some(&admin), &skip)).await, 200).await;
        assert_eq!(
            (acted["reviewStatus"].as_str(), acted["reviewNotes"].as_str()),
            (Some("acted_upon"), Some("Calling today."))
        );
        expect_problem(app.send(app.post(&path, Some(&admin), &step)).await, 409, "illegal_transition").await;

        let owner = urgent["userId"].as_str().unwrap();
        let audit = format!("/api/v1/admin/audit?subjectUserId={owner}");
        let events = expect_json(app.send(app.get(&audit, Some(&admin))).await, 200).await;
        let actions: Vec<&str> =
            events["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert!(
            actions.contains(&"feedback.review.reviewed") && actions.contains(&"feedback.review.acted_upon"),
            "{actions:?}"
        );
    }

    #[actix_web::test]
    async fn feedback_templates_are_seeded_and_staff_can_add_and_replace_them() {
        let Some(app) = TestApp::spawn().await else { return };
        let (patient, _, _) = app.register_patient().await;
        let all = expect_json(app.send(app.get("/api/v1/feedback/templates", Some(&patient))).await, 200).await;
        assert_eq!(all.as_array().unwrap().len(), 4);
        let admin = app.admin_token().await;
        let template = json!({"id": "cardio-visit", "sessionType": "post_visit", "department": "cardiology",
            "defaultLanguage": "en", "title": {"en": "Your cardiology visit", "fr": "Votre visite"},
            "questions": [{"id": "overall", "responseType": "rating", "required": true, "text": {"en": "Rate us"},
                "purpose": "overall_rating"}]});
        let created = app.send(app.post("/api/v1/feedback/templates", Some(&admin), &template)).await;
        expect_json(created, 201).await;
        let dup = app.send(app.post("/api/v1/feedback/templates", Some(&admin), &template)).await;
        expect_problem(dup, 409, "template_exists").await;
        let mut bad = template.clone();
        bad["id"] = json!("other");
        bad["questions"][0]["choices"] = json!([{"value": "a", "label": {"en": "A"}}]);
        let invalid = app.send(app.post("/api/v1/feedback/templates", Some(&admin), &bad)).await;
        assert_eq!(pointers(&expect_problem(invalid, 422, "validation_failed").await), ["/questions/0/choices"]);

        let selected = "/api/v1/feedback/templates?sessionType=post_visit&department=CARDIOLOGY&language=fr";
        let found = expect_json(app.send(app.get(selected, Some(&patient))).await, 200).await;
        assert_eq!(found[0]["id"], "cardio-visit");
        let session = start(&app, &patient, &json!({"sessionType": "post_visit", "department": "cardiology"})).await;
        assert_eq!(session["questionnaire"]["id"], "cardio-visit");

        let mut seed = all[3].clone();
        seed["title"]["en"] = json!("Tell us anything");
        let path = format!("/api/v1/feedback/templates/{}", seed["id"].as_str().unwrap());
        let put = bearer_put(&app, &path, &admin, &seed).await;
        assert_eq!(expect_json(put, 200).await["title"]["en"], "Tell us anything");
        let general = "/api/v1/feedback/templates?sessionType=general";
        let found = expect_json(app.send(app.get(general, Some(&patient))).await, 200).await;
        assert_eq!(found[0]["title"]["en"], "Tell us anything");
        let missing = bearer_put(&app, "/api/v1/feedback/templates/nothing", &admin, &json!({"id": "nothing",
            "sessionType": "general", "defaultLanguage": "en", "title": {"en": "X"}, "questions": template["questions"]})).await;
        expect_problem(missing, 404, "template_not_found").await;
    }

    #[actix_web::test]
    async fn feedback_analytics_report_nps_per_group_for_staff_only() {
        let Some(app) = TestApp::spawn().await else { return };
        let (patient, _) = submitted(&app, "The waiting room was clean.", "cardiology").await;
        submitted(&app, "Billing was confusing and slow.", "cardiology").await;
        let path = "/api/v1/feedback/analytics?groupBy=department&period=week";
        expect_problem(app.send(app.get(path, Some(&patient))).await, 403, "forbidden").await;
        let admin = app.admin_token().await;
        let report = expect_json(app.send(app.get(path, Some(&admin))).await, 200).await;
        assert_eq!((report["groupBy"].as_str(), report["period"].as_str()), (Some("department"), Some("week")));
        let group = &report["groups"][0];
        assert_eq!(group["key"], "cardiology");
        assert_eq!((group["sessions"].as_u64(), group["completed"].as_u64()), (Some(2), Some(2)));
        assert_eq!((group["nps"]["promoters"].as_u64(), group["nps"]["score"].as_f64()), (Some(2), Some(100.0)));
        assert_eq!(group["averageRating"], 4.0);
        assert_eq!(group["thinSample"], true);
        assert!(!group["topTopics"].as_array().unwrap().is_empty(), "{group}");
        let bad = app.send(app.get("/api/v1/feedback/analytics?period=year", Some(&admin))).await;
        expect_problem(bad, 400, "invalid_query").await;
    }

    async fn bearer_put(app: &TestApp, path: &str, token: &str, body: &Value) -> reqwest::Response {
        app.send(app.client.put(app.url(path)).bearer_auth(token).json(body)).await
    }
}
