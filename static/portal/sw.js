// Keeps the last home page the phone received, and shows it, marked as saved, when the
// phone is offline (no data left). Network first: a page on screen is never older than it
// must be. The stylesheet and the icon sprite are kept as they are fetched. Signing out
// clears this cache (Clear-Site-Data); an access no longer valid (revoked, blocked, ended) drops the home page as soon as the phone is online again (the
// page asks /p/status/, see portal.js; a visit sent back to the start does too); and a copy
// older than MAX_AGE is never shown, even if the phone never comes online again.
const CACHE = "parcours-portal-v2";
const HOME = "/p/home/";
const OFFLINE = "/p/offline/";
const SAVED = "x-portal-saved";
const MAX_AGE = 14 * 24 * 3600 * 1000;

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) =>
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  )
);

// The personal copy goes; the offline page, which says nothing personal, stays.
const forget = () => caches.open(CACHE).then((cache) => cache.delete(HOME));

async function keep(response) {
  const cache = await caches.open(CACHE);
  const headers = new Headers(response.headers);
  headers.set(SAVED, String(Date.now()));
  await cache.put(HOME, new Response(await response.blob(), { headers }));
  const offline = await fetch(OFFLINE, { credentials: "same-origin" });
  if (offline.ok) await cache.put(OFFLINE, offline);
}

async function offlinePage() {
  const page = await caches.match(OFFLINE);
  return page || Response.error();
}

async function savedHome() {
  const saved = await caches.match(HOME);
  if (!saved) return null;
  if (Date.now() - Number(saved.headers.get(SAVED) || 0) > MAX_AGE) {
    await forget();
    return null;
  }
  // Show the "you are offline, saved on …" note that the page carries hidden.
  const text = (await saved.text()).replace("hidden data-offline", "data-offline");
  return new Response(text, { headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/portal/")) {
    // The stylesheet and the icon sprite, so the saved page still reads well offline.
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
          event.waitUntil(keep(response.clone()));
        } else if (response.redirected && new URL(response.url).pathname === "/p/") {
          // Sent to the start: this phone is no longer signed in.
          event.waitUntil(forget());
        }
        return response;
      })
      .catch(async () => {
        // Offline: the saved home page for the home, and a page saying so for any other.
        if (url.pathname === HOME) return (await savedHome()) || offlinePage();
        return offlinePage();
      })
  );
});
