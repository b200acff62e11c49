// "Show PIN": the eye beside each PIN field shows the numbers typed, and hides them again.
// Without JavaScript the eye stays hidden and the form works as it is.
for (const eye of document.querySelectorAll("[data-show-pin]")) {
  const input = document.getElementById(eye.dataset.showPin);
  if (!input) continue;
  eye.hidden = false;
  eye.addEventListener("click", () => {
    const show = input.type === "password";
    input.type = show ? "text" : "password";
    eye.setAttribute("aria-pressed", String(show));
    input.focus();
  });
}
