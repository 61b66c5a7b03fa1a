// Instant feedback for the debtor form. The backend validates again with the same rules
// (overdue-domain `DebtorDraft::validate`); these messages match its wording.
import type { DebtorInput } from "../bindings/DebtorInput";
import type { FieldErrorDto } from "../bindings/FieldErrorDto";

export const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "pl", "cs", "sv", "da", "nb", "tr"] as const;
export const CURRENCIES = [
  "EUR", "GBP", "USD", "CHF", "PLN", "CZK", "SEK", "NOK", "DKK", "TRY", "HUF", "RON", "BGN",
  "CAD", "AUD", "NZD", "JPY",
] as const;

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;.]+$/;
const PHONE = /^[0-9 +\-()./]+$/;
const AMOUNT = /^\d+(\.\d{1,2})?$/;

export function emptyDebtor(): DebtorInput {
  return {
    kind: "company",
    name: "",
    external_ref: "",
    contacts: [{ name: "", role: "", email: "", phone: "" }],
    address_lines: "",
    postal_code: "",
    city: "",
    country: "",
    // "" = the country's language, decided by the core when the debtor is saved.
    language: "",
    currency: "EUR",
    payment_terms_days: 30,
    credit_limit: "",
    tags: [],
    notes: "",
    account_manager: "",
  };
}

/** Every problem with the form, keyed like the backend's field paths. */
export function validateDebtor(d: DebtorInput): FieldErrorDto[] {
  const errors: FieldErrorDto[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  const name = d.name.trim();
  if (name === "") add("name", "Enter the debtor's name.");
  else if ([...name].length > 200) add("name", "The name is too long (200 characters at most).");
  if ([...d.external_ref.trim()].length > 64) add("external_ref", "The reference is too long (64 at most).");
  d.contacts.forEach((c, i) => {
    const email = c.email.trim();
    const phone = c.phone.trim();
    if (c.name.trim() === "" && email === "" && phone === "")
      add(`contacts[${i}].name`, "Give the contact a name, an email or a phone number, or remove it.");
    if (email !== "" && !EMAIL.test(email)) add(`contacts[${i}].email`, `"${email}" is not an email address.`);
    const digits = phone.replace(/\D/g, "").length;
    if (phone !== "" && (!PHONE.test(phone) || digits < 5))
      add(`contacts[${i}].phone`, `"${phone}" is not a phone number.`);
  });
  const country = d.country.trim().toUpperCase();
  if (country !== "" && !/^[A-Z]{2}$/.test(country))
    add("address.country", "Use the two-letter country code, e.g. GB, DE, FR, US.");
  if (d.language !== "" && !(LANGUAGES as readonly string[]).includes(d.language))
    add("language", `Choose one of the languages: ${LANGUAGES.join(", ")}.`);
  if (!/^[A-Za-z]{3}$/.test(d.currency.trim()))
    add("currency", `Unknown currency "${d.currency.trim()}": use a three-letter ISO 4217 code such as EUR, GBP or USD`);
  if (!Number.isInteger(d.payment_terms_days) || d.payment_terms_days < 0 || d.payment_terms_days > 365)
    add("payment_terms_days", "Payment terms must be between 0 and 365 days.");
  const limit = d.credit_limit.trim();
  if (limit !== "" && !AMOUNT.test(limit)) add("credit_limit", `"${limit}" is not an amount: write it like 5000.00.`);
  return errors;
}

/** The message for one field, if any. */
export function errorFor(errors: FieldErrorDto[], field: string): string | undefined {
  return errors.find((e) => e.field === field)?.message;
}
