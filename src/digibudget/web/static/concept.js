// Conceptantwoord: send a chosen file as the request body and show the page that comes back.
document.getElementById("bestand").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  if (!file) return;
  document.getElementById("upload-status").textContent = "bezig met " + file.name + " ...";
  const resp = await fetch("/concept", {method: "POST", body: file,
    headers: {"Content-Type": "application/octet-stream", "X-Bestandsnaam": encodeURIComponent(file.name)}});
  const html = await resp.text();
  document.open(); document.write(html); document.close();
});
