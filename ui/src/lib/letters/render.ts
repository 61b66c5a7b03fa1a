// Draws a PDF's pages onto canvases with pdf.js, bundled by Vite (the worker too: no
// remote content; the CSP allows only 'self'). Loaded lazily so the rest of the app and
// the unit tests never load pdf.js.
export type PageSink = (canvas: HTMLCanvasElement) => void;

/** Renders every page of `bytes` at `cssWidth` pixels wide; returns the page count.
 *  `isStale` lets a newer preview stop an older one between pages. */
export async function renderPdf(bytes: Uint8Array, cssWidth: number, sink: PageSink, isStale: () => boolean): Promise<number> {
  const pdfjs = await import("pdfjs-dist");
  const worker = await import("pdfjs-dist/build/pdf.worker.min.mjs?url");
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
  const doc = await pdfjs.getDocument({ data: bytes, isEvalSupported: false, disableAutoFetch: true, verbosity: 0 }).promise;
  try {
    const ratio = window.devicePixelRatio || 1;
    for (let n = 1; n <= doc.numPages; n++) {
      if (isStale()) break;
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${cssWidth}px`;
      canvas.style.height = `${Math.floor(viewport.height / ratio)}px`;
      canvas.dataset.testid = "pdf-page";
      canvas.setAttribute("aria-label", `Page ${n} of ${doc.numPages}`);
      await page.render({ canvas, viewport }).promise;
      if (isStale()) break;
      sink(canvas);
    }
    return doc.numPages;
  } finally {
    void doc.destroy();
  }
}
