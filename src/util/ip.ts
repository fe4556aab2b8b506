// IP address family checks for the startup path. node:net's isIP tests IPv6 with a large regular expression
// whose first use costs ~4 ms (compiled at run time): more than the rest of certificate checking. The URL
// parser (native) validates IPv6 literals instead.

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** 4 or 6 for an IPv4 or IPv6 address (an IPv6 zone, "%eth0", allowed), 0 otherwise: node:net's isIP. */
export function ipFamily(s: string): 0 | 4 | 6 {
  if (!s.includes(':')) return IPV4.test(s) ? 4 : 0;
  const zone = s.indexOf('%');
  const addr = zone >= 0 ? s.slice(0, zone) : s;
  if (zone === 0 || zone === s.length - 1 || /[[\]/?#@\s]/.test(addr)) return 0;
  try {
    new URL(`http://[${addr}]/`);
    return 6;
  } catch {
    return 0;
  }
}
