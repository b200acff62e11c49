// Only on the person's own phone: keep the last home page for reading offline (see sw.js),
// and ask, whenever the phone is online, whether this phone may still keep it. When it may
// not (revoked, blocked, ended, signed out), the copy goes and the page on screen too.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/p/sw.js", { scope: "/p/" });
  const forget = () =>
    caches
      .keys()
      .then((keys) => Promise.all(keys.map((key) => caches.open(key).then((cache) => cache.delete("/p/home/")))))
      .then(() => location.replace("/p/"));
  const check = () => {
    if (!navigator.onLine) return;
    fetch("/p/status/", { cache: "no-store", credentials: "same-origin" })
      .then((response) => response.json())
      .then((answer) => answer.valid || forget())
      .catch(() => {}); // offline after all: nothing known
  };
  window.addEventListener("online", check);
  check();
}
