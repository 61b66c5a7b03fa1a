import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

// Keep every error the page reports, so the end-to-end tests can assert there were none
// (WebKitWebDriver offers no console log).
declare global {
  interface Window {
    __overdueErrors: string[];
  }
}
window.__overdueErrors = [];
window.addEventListener("error", (e) => window.__overdueErrors.push(`error: ${e.message}`));
window.addEventListener("unhandledrejection", (e) =>
  window.__overdueErrors.push(`unhandled rejection: ${JSON.stringify(e.reason)}`),
);
const consoleError = console.error.bind(console);
console.error = (...args: unknown[]) => {
  window.__overdueErrors.push(`console.error: ${args.map(String).join(" ")}`);
  consoleError(...args);
};

const target = document.getElementById("app");
if (!target) throw new Error("#app element missing from index.html");
export default mount(App, { target });
