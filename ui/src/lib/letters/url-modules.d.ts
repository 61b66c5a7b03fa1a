// Vite's `?url` imports (the bundled pdf.js worker) resolve to a same-origin URL string.
declare module "*?url" {
  const src: string;
  export default src;
}
