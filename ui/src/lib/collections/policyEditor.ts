// The collection-policy editor's logic, kept out of the component so Vitest can check it:
// a working copy of a policy, level add/remove/move with renumbering, the same checks the
// API makes (so most mistakes show next to the field before saving), and the API's field
// errors mapped onto the editor's fields.
import type { DunningLevelDto } from "../bindings/DunningLevelDto";
import type { DunningPolicyDto } from "../bindings/DunningPolicyDto";
import type { ApiError } from "../bindings/ApiError";

export const CHANNELS: { value: string; label: string }[] = [
  { value: "email", label: "Email" },
  { value: "letter", label: "Letter" },
  { value: "call", label: "Call task" },
  { value: "fee", label: "Fee / interest" },
  { value: "agency", label: "Agency" },
  { value: "legal", label: "Legal" },
];

export const AUDIENCES: { value: string; label: string }[] = [
  { value: "all", label: "All debtors" },
  { value: "business", label: "Businesses only" },
  { value: "consumer", label: "Consumers only" },
];

/** Field errors keyed like the API's: `name`, `levels`, `levels[2].trigger_days`. */
export type PolicyErrors = Record<string, string>;

export const needsTemplate = (channel: string) => channel === "email" || channel === "letter";

/** A new, unsaved policy (id 0) with one level. */
export function newPolicy(name = ""): DunningPolicyDto {
  return { id: 0, name, is_default: false, levels: [blankLevel(1, 7)], version: null };
}

export function blankLevel(number: number, triggerDays: number): DunningLevelDto {
  return {
    number,
    name: "",
    trigger_days: triggerDays,
    min_open: "",
    min_open_currency: "",
    audience: "all",
    channel: "email",
    template: "reminder",
    wait_days: 7,
    deadline_days: 0,
    attach_letter: false,
    attach_statement: false,
  };
}

const renumber = (levels: DunningLevelDto[]) => levels.map((l, i) => ({ ...l, number: i + 1 }));

/** Appends a level after the last one (its trigger 14 days later). */
export function addLevel(p: DunningPolicyDto): DunningPolicyDto {
  const last = p.levels[p.levels.length - 1];
  const trigger = last ? last.trigger_days + 14 : 7;
  return { ...p, levels: renumber([...p.levels, blankLevel(0, trigger)]) };
}

export function removeLevel(p: DunningPolicyDto, index: number): DunningPolicyDto {
  return { ...p, levels: renumber(p.levels.filter((_, i) => i !== index)) };
}

/** Moves a level up (-1) or down (+1); numbers follow the order. */
export function moveLevel(p: DunningPolicyDto, index: number, by: -1 | 1): DunningPolicyDto {
  const to = index + by;
  if (to < 0 || to >= p.levels.length) return p;
  const levels = [...p.levels];
  const [l] = levels.splice(index, 1);
  levels.splice(to, 0, l!);
  return { ...p, levels: renumber(levels) };
}

/** The checks the API makes, with the same field names and wording. */
export function validatePolicy(p: DunningPolicyDto): PolicyErrors {
  const e: PolicyErrors = {};
  if (p.name.trim() === "") e["name"] = "Enter the policy's name.";
  if (p.levels.length === 0) e["levels"] = "A policy needs at least one level.";
  p.levels.forEach((l, i) => {
    const f = (name: string) => `levels[${i}].${name}`;
    if (l.name.trim() === "") e[f("name")] = "Enter the level's name.";
    if (!Number.isInteger(l.trigger_days)) e[f("trigger_days")] = "Enter the days as a whole number.";
    const prev = p.levels[i - 1];
    if (prev && l.number <= prev.number) {
      e[f("number")] = `level numbers must increase: level ${l.number} follows a level with the same or a higher number`;
    }
    if (prev && l.trigger_days < prev.trigger_days) {
      e[f("trigger_days")] = `level ${l.number} triggers earlier than the level before it`;
    }
    if (needsTemplate(l.channel) && l.template.trim() === "") {
      e[f("template")] = `level ${l.number} sends a message but names no template`;
    }
    if ((l.attach_letter || l.attach_statement) && l.channel !== "email") {
      e[f("attach_letter")] = "Only an email level can attach documents.";
    }
    if (l.min_open.trim() !== "") {
      if (!/^\d+(\.\d{1,2})?$/.test(l.min_open.trim())) e[f("min_open")] = "Enter an amount like 50.00 (not negative).";
      if (!/^[A-Z]{3}$/.test(l.min_open_currency.trim())) e[f("min_open_currency")] = "Enter the minimum's currency (e.g. EUR).";
    }
    if (!Number.isInteger(l.wait_days) || l.wait_days < 0) e[f("wait_days")] = "Enter 0 or more days.";
    if (!Number.isInteger(l.deadline_days) || l.deadline_days < 0) e[f("deadline_days")] = "Enter 0 or more days.";
  });
  return e;
}

/** The API's validation error as editor field errors; any other error under `""`. */
export function errorsFromApi(err: ApiError): PolicyErrors {
  if (err.code === "validation" && err.fields && err.fields.length > 0) {
    return Object.fromEntries(err.fields.map((f) => [f.field, f.message]));
  }
  if (err.code === "duplicate") return { name: err.message };
  return { "": err.message };
}

/** A level's one-line summary for the policy list. */
export function describeLevel(l: DunningLevelDto): string {
  const when = l.trigger_days < 0 ? `${-l.trigger_days} days before due` : l.trigger_days === 0 ? "on the due date" : `${l.trigger_days} days after due`;
  const what = CHANNELS.find((c) => c.value === l.channel)?.label ?? l.channel;
  const attached = [l.attach_letter ? "letter" : "", l.attach_statement ? "statement" : ""].filter(Boolean).join(" + ");
  return `${l.name}: ${what}${attached ? ` with ${attached} PDF` : ""}, ${when}`;
}
