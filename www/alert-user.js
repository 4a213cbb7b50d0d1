// Collocated with alert-user.html and imported by the Python app (app.alert_user), as Blazor's
// AlertUser.razor.js: the handler is attached with addEventListener, never inline (CSP-friendly).
export function alertUser() {
  alert("The button was selected!");
}

export function addHandlers() {
  const btn = document.getElementById("btn");
  btn.addEventListener("click", alertUser);
}
