import { describe, expect, it } from "vitest";
import { emptyDebtor, validateDebtor } from "./validation";

describe("debtor form validation", () => {
  it("accepts a complete non-ASCII debtor", () => {
    const d = { ...emptyDebtor(), name: "Şahin Auto A.Ş.", country: "TR", currency: "TRY", credit_limit: "5000.00" };
    d.contacts = [{ name: "Gökhan Şahin", role: "", email: "g@sahin.com.tr", phone: "+90 212 555 0101" }];
    expect(validateDebtor(d)).toEqual([]);
  });

  it("reports each problem against the field the backend names", () => {
    const d = { ...emptyDebtor(), name: " ", country: "Turkey", credit_limit: "1,000", payment_terms_days: 400 };
    d.contacts = [{ name: "", role: "", email: "not-an-email", phone: "" }];
    expect(validateDebtor(d).map((e) => e.field)).toEqual([
      "name",
      "contacts[0].email",
      "address.country",
      "payment_terms_days",
      "credit_limit",
    ]);
  });

  it("asks for something in an otherwise empty contact", () => {
    const d = { ...emptyDebtor(), name: "X" };
    expect(validateDebtor(d)[0]?.field).toBe("contacts[0].name");
  });
});
