// Type-checked (never run) by scripts/client-test.sh against the types openapi-typescript
// generates from openapi/openapi.json: what an integrator's TypeScript would write.
import type { components, paths } from "carechat-schema";

type Schemas = components["schemas"];
// Plain indexed access, no conditional types: a path, status or media type the document lacks
// is a compile error here, never a silent `never`.
type Login = paths["/api/v1/auth/login"]["post"];
type LoggedIn = Login["responses"][200]["content"]["application/json"];
type LoginRefused = Login["responses"][401]["content"]["application/problem+json"];
type Exchange = paths["/api/v1/chat/conversations/{id}/messages"]["post"]["responses"][201]["content"]["application/json"];
type Inventory = paths["/api/v1/blood/inventory"]["get"];
type Stock = Inventory["responses"][200]["content"]["application/json"];

const login: Login["requestBody"]["content"]["application/json"] = {
    identifier: "+250788123456",
    password: "tulip-river-42",
};

function greet(auth: LoggedIn): string {
    const user: Schemas["UserResponse"] = auth.user;
    const role: "patient" | "staff" | "admin" | "lab" | "user" = user.role;
    return `${auth.tokenType} for ${user.fullName} (${role}, ${user.preferredLanguage})`;
}

function explain(problem: LoginRefused): string {
    const fields = (problem.errors ?? []).map((e: Schemas["FieldViolation"]) => `${e.pointer}: ${e.code}`);
    return `${problem.status} ${problem.code} ${problem.detail ?? ""} ${fields.join(", ")}`;
}

const ask: Schemas["PostMessageRequest"] = { content: "When is the clinic open?" };

function reply(exchange: Exchange): string {
    const message: Schemas["ChatMessage"] = exchange.assistantMessage;
    return message.role === "assistant" ? message.content : "";
}

const start: Schemas["StartSessionRequest"] = { sessionType: "post_visit", language: "en" };

function answers(session: Schemas["SessionView"]): Schemas["AnswerRequest"] {
    return {
        answers: session.questionnaire.questions.map((q) => ({
            questionId: q.id,
            response: q.responseType === "rating" ? 5 : q.responseType === "boolean" ? true : "Fine",
        })),
    };
}

function lowStock(stock: Stock): string[] {
    return stock.lines.filter((l) => l.belowMinimum).map((l) => `${l.bloodGroup} ${l.component}: ${l.available}`);
}

type InventoryQuery = NonNullable<Inventory["parameters"]["query"]>;
const query: InventoryQuery = { expiringWithinDays: 7 };

export { answers, ask, explain, greet, login, lowStock, query, reply, start };
