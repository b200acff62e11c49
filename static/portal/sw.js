// Keeps the last home page the phone received, and shows it, marked as saved, when the
// phone is offline (no data left). Network first: a page on screen is never older than it
// must be. Signing out clears this cache (Clear-Site-Data).
const CACHE = "parcours-portal-v1";
const HOME = "/p/home/";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin && url.pathname.startsWith("/static/portal/")) {
    // The stylesheet, so the saved page still reads well offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
          return response;
        })
        .catch(() => caches.match(request))
    );
    return;
  }
  if (request.mode !== "navigate" || !url.pathname.startsWith("/p/")) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        if (url.pathname === HOME && response.ok && !response.redirected) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(HOME, copy)));
        }
        return response;
      })
      .catch(async () => {
        const saved = await caches.match(HOME);
        if (!saved) throw new Error("offline, and no page saved yet");
        // Show the "you are offline, saved on …" note that the page carries hidden.
        const text = (await saved.text()).replace("hidden data-offline", "data-offline");
        return new Response(text, { headers: { "Content-Type": "text/html; charset=utf-8" } });
      })
  );
});
