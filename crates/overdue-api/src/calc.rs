//! Stateless calculators (interest, score, credit check, payment plan): no database.
