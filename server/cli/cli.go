// Package cli is the command line built on the GraphQL API: `apikeys keys …` and
// `apikeys audit list`. Like gh with GitHub's API, it calls a running server
// (APIKEYS_URL) with a key (APIKEYS_TOKEN), through a typed client that genqlient
// generates from the server's schema (generated.go).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit codes: a script tells "the server said no" (or could not be asked) from "the
// command was written wrong".
const (
	exitOK      = 0
	exitRefused = 1 // a GraphQL or HTTP error, an unreachable server, an unexpected answer
	exitUsage   = 2 // unknown command or flag, missing argument, APIKEYS_* not usable
)

// A command of the command line.
type command struct {
	name  string // "keys list"
	usage string // what follows the name in the usage line
	run   func(ctx context.Context, s *session, args []string) error
}

var commands = []command{
	{"keys list", "[--revoked] [--json]", listKeys},
	{"keys create", "NAME [--role ADMIN|VIEWER] [--expires 30d|2027-01-31|RFC3339] [--quiet | --json]", createKey},
	{"keys rotate", "ID [--overlap 24h] [--quiet | --json]", rotateKey},
	{"keys revoke", "ID [--json]", revokeKey},
	{"keys rename", "ID NAME [--json]", renameKey},
	{"audit list", "[--action A,B] [--limit N] [--json]", listAudit},
}

// Run runs the command in args (after the program's name, starting with "keys" or
// "audit") and returns the process's exit code: 0 done, 1 refused or failed, 2 misused.
// Results go to stdout; errors, one "apikeys: …" line each, to stderr.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	s := &session{getenv: getenv, stdout: stdout, stderr: stderr}
	err := s.dispatch(ctx, args)
	var (
		usage *usageError
		help  *helpRequest
	)
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &help):
		fmt.Fprintln(stdout, "usage: "+s.usageLine())
		if help.flags != nil {
			help.flags.SetOutput(stdout)
			help.flags.PrintDefaults()
		}
		return exitOK
	case errors.As(err, &usage):
		fmt.Fprintln(stderr, "apikeys: "+usage.message)
		if !usage.setup {
			fmt.Fprintln(stderr, "usage: "+s.usageLine())
		}
		return exitUsage
	default:
		for _, line := range describe(err) {
			fmt.Fprintln(stderr, "apikeys: "+line)
		}
		return exitRefused
	}
}

// session is one run of a command: where it writes, the environment it reads, and the
// command once known (for its usage line).
type session struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	cmd            *command
}

func (s *session) dispatch(ctx context.Context, args []string) error {
	if err := refuseToken(args); err != nil {
		return err
	}
	if len(args) < 2 {
		return usagef("a command is needed")
	}
	if args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		return &helpRequest{}
	}
	name := args[0] + " " + args[1]
	for i := range commands {
		if commands[i].name == name {
			s.cmd = &commands[i]
			return s.cmd.run(ctx, s, args[2:])
		}
	}
	return usagef("unknown command %q", name)
}

// usageLine is the current command's usage, or every command's when none is known.
func (s *session) usageLine() string {
	if s.cmd != nil {
		return "apikeys " + s.cmd.name + " " + s.cmd.usage
	}
	lines := make([]string, len(commands))
	for i, c := range commands {
		lines[i] = "apikeys " + c.name + " " + c.usage
	}
	return strings.Join(lines, "\n       ") +
		"\n(APIKEYS_URL: the server, default " + defaultURL + "; APIKEYS_TOKEN: an ADMIN or VIEWER key)"
}

// helpRequest is -h or --help: the usage line and the command's flags (every command's
// usage for `apikeys keys --help`), on standard output.
type helpRequest struct{ flags *flag.FlagSet }

func (*helpRequest) Error() string { return "help requested" }

// usageError is a command written wrong (exit code 2 and the usage line), or set up
// wrong: APIKEYS_URL or APIKEYS_TOKEN (exit code 2, without it).
type usageError struct {
	message string
	setup   bool
}

func (e *usageError) Error() string { return e.message }

func usagef(format string, a ...any) error {
	return &usageError{message: fmt.Sprintf(format, a...)}
}

func setupf(format string, a ...any) error {
	return &usageError{message: fmt.Sprintf(format, a...), setup: true}
}

// refuseToken refuses a key given as a flag: on a command line it is seen by every
// user of the machine (ps) and kept in the shell's history. The value is never echoed.
func refuseToken(args []string) error {
	for _, a := range args {
		if a == "--" {
			return nil
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.EqualFold(name, "token") {
			return usagef("--token is not accepted: a key on the command line shows in process lists and shell history; set APIKEYS_TOKEN instead")
		}
	}
	return nil
}

// parse parses the flags of fs anywhere among args (`keys create NAME --role ADMIN` as
// well as `keys create --role ADMIN NAME`; after "--" everything is an argument) and
// returns exactly the named positional arguments.
func parse(fs *flag.FlagSet, args []string, names ...string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, &helpRequest{fs}
			}
			return nil, usagef("%v", err)
		}
		rest := fs.Args()
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional, args = append(positional, rest[0]), rest[1:]
	}
	switch {
	case len(positional) < len(names):
		return nil, usagef("%s is needed", strings.Join(names[len(positional):], " and "))
	case len(positional) > len(names):
		return nil, usagef("unexpected argument %q", positional[len(names)])
	}
	return positional, nil
}

// printJSON prints v indented, with <, > and & as they are (names are not HTML).
func (s *session) printJSON(v any) error {
	enc := json.NewEncoder(s.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
