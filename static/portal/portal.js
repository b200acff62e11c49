// Only on the person's own phone: keep the last home page for reading offline (see sw.js),
// and ask, whenever the phone is online, whether this phone may still keep it. When it may
// not, the copy is gone and the page on screen leaves too.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/p/sw.js", { scope: "/p/" });
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data && event.data.valid === false) location.replace("/p/");
  });
  const check = () => {
    if (!navigator.onLine) return;
    navigator.serviceWorker.ready.then((registration) => {
      if (registration.active) registration.active.postMessage("check-access");
    });
  };
  window.addEventListener("online", check);
  check();
}
