// Collocated with app/alert_user.py and imported by its component (self.import_js()), as Blazor's
// AlertUser.razor.js: the handler is attached with addEventListener, never inline (CSP-friendly).
export function alertUser() {
  alert("The button was selected!");
}

export function addHandlers() {
  const btn = document.getElementById("btn");
  btn.addEventListener("click", alertUser);
}
