// Only on the person's own phone: keep the last home page for reading offline (see sw.js).
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/p/sw.js", { scope: "/p/" });
}
