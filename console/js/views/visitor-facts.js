// How visitor facts read, shared by the visitor panel and the live-visitors view: page links,
// location, device, and which site session belongs to which visitor.

/** `href` when it is an http(s) URL, else null: anything else (javascript:, data:) stays text. */
export function safeHref(href) {
  if (!href) return null;
  try {
    const url = new URL(href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

/** "Lyon, France" from a session's location (`completLocation` is the server's own summary). */
export function locationText(location) {
  if (!location) return "";
  const parts = [location.city, location.regionName, location.countryName].filter(Boolean);
  return parts.length ? [...new Set(parts)].join(", ") : (location.completLocation ?? "");
}

/** "Firefox 120 on Android", else the raw user agent the visitor record keeps. */
export function deviceText(deviceInfo, userAgent) {
  if (deviceInfo) {
    const browser = [deviceInfo.browserName, deviceInfo.browserVersion].filter(Boolean).join(" ");
    const os = [deviceInfo.os, deviceInfo.osVersion].filter(Boolean).join(" ");
    const text = [browser, os].filter(Boolean).join(" on ");
    if (text) return text;
  }
  return userAgent ?? "";
}

/**
 * Whether a site session is this visitor's. Staff see sessions without token or visitor id,
 * so the visitor's name and e-mail (what the session records of it) are compared; both must
 * agree where both are known.
 */
export function sessionMatches(session, visitor, room) {
  const info = session?.visitorInfo;
  if (!info) return false;
  const email = visitor?.visitorEmails?.[0]?.address;
  const name = visitor?.name ?? room?.fname;
  if (email && info.email) return info.email.toLowerCase() === email.toLowerCase() && (!info.name || !name || info.name === name);
  return Boolean(name) && info.name === name;
}
