//! The assistant: LLM providers (Gemini, Groq, the offline knowledge-base provider) behind one
//! trait, with retries, fallback, safety screening, context budgets, translation and summaries.
