// Package compose runs compose applications with husk. It loads compose
// files with compose-go (the parser docker compose uses, so interpolation,
// merging of several files, extends, profiles and .env behave as users
// expect), checks every key a service sets against what husk can do (a
// key husk cannot honour is refused by name, never dropped), turns the
// project into husk command lines (Plan) and runs them through a Husk:
// the same commands, and so the same code paths, as "husk run -d",
// "husk network create" and "husk volume create". It never creates a
// container itself.
package compose
