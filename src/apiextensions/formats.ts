// String formats validated for CRD schemas: apiextensions-apiserver v0.32 pkg/apiserver/validation/formats.go
// lists the supported ones (others are stripped, i.e. not validated); the checks follow go-openapi strfmt.

import { isIP } from 'node:net';

const uuidRe = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid3Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const uuid4Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const uuid5Re = /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i;
const hostnameRe = /^([a-zA-Z0-9\p{S}\p{L}]((-?[a-zA-Z0-9\p{S}\p{L}]{0,62})?)|([a-zA-Z0-9\p{S}\p{L}](([a-zA-Z0-9-\p{S}\p{L}]{0,61}[a-zA-Z0-9\p{S}\p{L}])?)(\.)){1,}([a-zA-Z\p{L}]){2,63})$/u;
const emailRe = /^[^\s@<>]+@[^\s@<>]+$/;
const macRe = /^([0-9a-fA-F]{2}([:-])){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}([:-])){7}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{4}\.){2}[0-9a-fA-F]{4}$/;
const dateRe = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTimeRe = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;
const durationRe = /^((\d+(\.\d+)?)\s*(ns|us|µs|ms|s|m|h|d|w)\s*)+$/;
const durationScalaRe = /^\s*\d+\s*(ns|nano|nanos|nanosecond|nanoseconds|us|micro|micros|microsecond|microseconds|ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours|d|day|days|w|wk|wks|week|weeks)\s*$/;
const bsonRe = /^[0-9a-fA-F]{24}$/;
const hexColorRe = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const rgbColorRe = /^rgb\(\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*,\s*(0|[1-9]\d?|1\d\d?|2[0-4]\d|25[0-5])\s*\)$/;
const ssnRe = /^\d{3}[- ]?\d{2}[- ]?\d{4}$/;
const creditCardRe = /^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\d{3})\d{11})$/;
const base64Re = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = [31, (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return d <= days[m - 1]!;
}

function isbn10(s: string): boolean {
  const c = s.replace(/[\s-]/g, '');
  if (!/^\d{9}[\dX]$/.test(c)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (c[i] === 'X' ? 10 : Number(c[i])) * (10 - i);
  return sum % 11 === 0;
}
function isbn13(s: string): boolean {
  const c = s.replace(/[\s-]/g, '');
  if (!/^\d{13}$/.test(c)) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += Number(c[i]) * (i % 2 ? 3 : 1);
  return sum % 10 === 0;
}

function cidr(s: string): boolean {
  const i = s.indexOf('/');
  if (i < 0) return false;
  const ip = s.slice(0, i);
  const bits = s.slice(i + 1);
  if (!/^\d{1,3}$/.test(bits)) return false;
  const v = isIP(ip);
  if (!v) return false;
  return Number(bits) <= (v === 4 ? 32 : 128);
}

/** Normalized format name (go-openapi removes '-'), or undefined when kube strips it (not validated). */
export function normalizeFormat(format: string): string | undefined {
  const n = format.replace(/-/g, '');
  return SUPPORTED.has(n) ? n : undefined;
}

const SUPPORTED = new Set([
  'bsonobjectid', 'uri', 'email', 'hostname', 'ipv4', 'ipv6', 'cidr', 'mac', 'uuid', 'uuid3', 'uuid4', 'uuid5',
  'isbn', 'isbn10', 'isbn13', 'creditcard', 'ssn', 'hexcolor', 'rgbcolor', 'byte', 'password', 'date', 'duration', 'datetime',
]);

/** true when `value` is valid for the (supported, normalized) format. */
export function checkFormat(normalized: string, value: string): boolean {
  switch (normalized) {
    case 'bsonobjectid':
      return bsonRe.test(value);
    case 'uri': {
      // net/url.ParseRequestURI: absolute URI or absolute path.
      if (value.startsWith('/')) return !/\s/.test(value);
      try {
        const u = new URL(value);
        return !!u.protocol && !/\s/.test(value);
      } catch {
        return false;
      }
    }
    case 'email':
      return emailRe.test(value);
    case 'hostname':
      return value.length <= 255 && hostnameRe.test(value);
    case 'ipv4':
      return isIP(value) === 4;
    case 'ipv6':
      return isIP(value) === 6;
    case 'cidr':
      return cidr(value);
    case 'mac':
      return macRe.test(value);
    case 'uuid':
      return uuidRe.test(value);
    case 'uuid3':
      return uuid3Re.test(value);
    case 'uuid4':
      return uuid4Re.test(value);
    case 'uuid5':
      return uuid5Re.test(value);
    case 'isbn':
      return isbn10(value) || isbn13(value);
    case 'isbn10':
      return isbn10(value);
    case 'isbn13':
      return isbn13(value);
    case 'creditcard':
      return creditCardRe.test(value.replace(/\D/g, ''));
    case 'ssn':
      return ssnRe.test(value);
    case 'hexcolor':
      return hexColorRe.test(value);
    case 'rgbcolor':
      return rgbColorRe.test(value);
    case 'byte':
      return base64Re.test(value);
    case 'password':
      return true;
    case 'date': {
      const m = dateRe.exec(value);
      return !!m && validDate(Number(m[1]), Number(m[2]), Number(m[3]));
    }
    case 'duration':
      return durationRe.test(value) || durationScalaRe.test(value);
    case 'datetime': {
      const m = dateTimeRe.exec(value);
      if (!m) return false;
      return validDate(Number(m[1]), Number(m[2]), Number(m[3])) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61;
    }
    default:
      return true;
  }
}
