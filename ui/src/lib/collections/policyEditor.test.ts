import { describe, expect, it } from "vitest";
import { addLevel, blankLevel, errorsFromApi, moveLevel, newPolicy, removeLevel, validatePolicy } from "./policyEditor";

describe("policy editor logic", () => {
  it("adds, moves and removes levels keeping the numbers in order", () => {
    let p = newPolicy("Gentle");
    p.levels[0]!.name = "First";
    p = addLevel(p);
    expect(p.levels.map((l) => [l.number, l.trigger_days])).toEqual([[1, 7], [2, 21]]);
    p.levels[1]!.name = "Second";
    p = moveLevel(p, 1, -1);
    expect(p.levels.map((l) => [l.number, l.name])).toEqual([[1, "Second"], [2, "First"]]);
    expect(moveLevel(p, 0, -1)).toBe(p);
    p = removeLevel(p, 0);
    expect(p.levels.map((l) => [l.number, l.name])).toEqual([[1, "First"]]);
  });

  it("reports each problem under the API's field name", () => {
    const p = newPolicy("");
    p.levels = [
      { ...blankLevel(1, 10), name: "A" },
      { ...blankLevel(2, 5), name: "", channel: "letter", template: " ", min_open: "-3", min_open_currency: "eur", attach_statement: true },
    ];
    expect(validatePolicy(p)).toEqual({
      name: "Enter the policy's name.",
      "levels[1].name": "Enter the level's name.",
      "levels[1].trigger_days": "level 2 triggers earlier than the level before it",
      "levels[1].template": "level 2 sends a message but names no template",
      "levels[1].attach_letter": "Only an email level can attach documents.",
      "levels[1].min_open": "Enter an amount like 50.00 (not negative).",
      "levels[1].min_open_currency": "Enter the minimum's currency (e.g. EUR).",
    });
    expect(validatePolicy({ ...p, levels: [] })).toEqual({ name: "Enter the policy's name.", levels: "A policy needs at least one level." });
    const ok = { ...newPolicy("Fine"), levels: [{ ...blankLevel(1, -3), name: "Before due" }, { ...blankLevel(2, 30), name: "Call", channel: "call", template: "" }] };
    expect(validatePolicy(ok)).toEqual({});
  });

  it("maps API errors onto fields", () => {
    expect(errorsFromApi({ code: "validation", message: "2 fields need attention.", fields: [
      { field: "name", message: "Enter the policy's name." },
      { field: "levels[0].channel", message: "Choose email, letter, call, fee, agency or legal." },
    ] })).toEqual({ name: "Enter the policy's name.", "levels[0].channel": "Choose email, letter, call, fee, agency or legal." });
    expect(errorsFromApi({ code: "duplicate", message: "policy name \"X\" is already used by another record" })).toEqual({ name: "policy name \"X\" is already used by another record" });
    expect(errorsFromApi({ code: "invalid_input", message: "It is the default." })).toEqual({ "": "It is the default." });
  });
});
