// Command apikeys is the API-key and service-account server.
//
//	apikeys [serve]      run the server (the default)
//	apikeys migrate      bring the database schema up to date and exit
//	apikeys create-org --name NAME --admin-email EMAIL --admin-name NAME
//	                     create an organization and its first admin; the admin's
//	                     password is read from standard input
//	apikeys keys …, apikeys audit list …
//	                     the command line built on the API (server/cli): a running
//	                     server at APIKEYS_URL, a key in APIKEYS_TOKEN
//
// Every flag has an environment variable of the same meaning (see README.md).
package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"apikeys/ent"
	"apikeys/ent/audit"
	"apikeys/ent/people"
	"apikeys/server/app"
	"apikeys/server/cli"
)

func main() {
	// Log lines reach standard error within 100 ms, many requests' lines in one write;
	// every exit below writes what is left first.
	logw := app.NewLogWriter(os.Stderr)
	log := slog.New(slog.NewTextHandler(logw, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, log)
	stop()
	if err == nil {
		logw.Close()
		return
	}
	var usage app.UsageError
	var exit exitCode
	switch {
	case errors.As(err, &exit):
		logw.Close()
		os.Exit(int(exit))
	case errors.As(err, &usage):
		logw.Close()
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	default:
		log.Error("apikeys: " + err.Error())
		logw.Close()
		os.Exit(1)
	}
}

// exitCode ends the process with a code once the command has said why on standard
// error (the commands of server/cli).
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit code %d", int(c)) }

// apiCommand runs a command of the command line built on the API (server/cli).
func apiCommand(ctx context.Context, args []string, stdout io.Writer) error {
	if code := cli.Run(ctx, args, os.Getenv, stdout, os.Stderr); code != 0 {
		return exitCode(code)
	}
	return nil
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return def
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("apikeys "+cmd, flag.ContinueOnError)
	dbURL := fs.String("database-url", env("DATABASE_URL", app.DefaultDatabaseURL), "sqlite:PATH or postgres://… (DATABASE_URL)")
	switch cmd {
	case "serve":
		return app.Serve(ctx, fs, args, dbURL, (*app.App).Handler, stdout, log)
	case "migrate":
		if err := fs.Parse(args); err != nil {
			return app.UsageError{Err: err}
		}
		db, err := app.OpenMigrated(ctx, *dbURL)
		if err != nil {
			return err
		}
		defer db.Close()
		fmt.Fprintln(stdout, "the database schema is up to date")
		return nil
	case "create-org":
		return createOrg(ctx, fs, args, dbURL, stdin, stdout)
	case "keys":
		return apiCommand(ctx, append([]string{cmd}, args...), stdout)
	case "audit":
		if len(args) > 0 && args[0] == "list" {
			return apiCommand(ctx, append([]string{cmd}, args...), stdout)
		}
		if len(args) == 0 || args[0] != "verify" {
			return app.UsageError{Err: errors.New("use: apikeys audit verify [--org ID] [--file export.ndjson], or apikeys audit list [--action A,B] [--limit N] [--json]")}
		}
		return verifyAudit(ctx, fs, args[1:], dbURL, stdout)
	default:
		return app.UsageError{Err: fmt.Errorf("unknown command %q: use serve, migrate, create-org, audit verify, audit list or keys", cmd)}
	}
}

func createOrg(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, stdin io.Reader, stdout io.Writer) error {
	name := fs.String("name", "", "the organization's name")
	email := fs.String("admin-email", "", "the first admin's email")
	adminName := fs.String("admin-name", "", "the first admin's name")
	if err := fs.Parse(args); err != nil {
		return app.UsageError{Err: err}
	}
	if *name == "" || *email == "" || *adminName == "" {
		return app.UsageError{Err: errors.New("create-org needs --name, --admin-email and --admin-name; the password comes on standard input")}
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	pw := strings.TrimRight(line, "\r\n")
	db, err := app.OpenMigrated(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	var org *ent.Organization
	err = audit.InTx(ctx, db.Client, func(c *ent.Client) error {
		org, _, err = people.CreateOrganization(ctx, c, people.NewOrganization{
			Name: *name, AdminName: *adminName, AdminEmail: *email, AdminPassword: pw,
		}, false)
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created organization %q (%s) with admin %s\n", org.Name, org.ID, *email)
	return nil
}

// errBroken ends `audit verify` with exit code 1 once it has said what is broken.
var errBroken = errors.New("the audit trail does not verify")

// verifyAudit is `apikeys audit verify`: the chain of every organization's trail (or of
// one, --org) read from the database, or of an NDJSON export (--file), offline. It
// prints one line per trail and fails (exit 1) naming the first broken entry.
func verifyAudit(ctx context.Context, fs *flag.FlagSet, args []string, dbURL *string, stdout io.Writer) error {
	org := fs.String("org", "", "verify this organization only (its id, org_…)")
	file := fs.String("file", "", "verify an NDJSON export instead of the database (- for standard input)")
	if err := fs.Parse(args); err != nil {
		return app.UsageError{Err: err}
	}
	if fs.NArg() > 0 {
		return app.UsageError{Err: fmt.Errorf("unexpected %q: use apikeys audit verify [--org ID] [--file export.ndjson]", fs.Arg(0))}
	}
	if *file != "" {
		return verifyAuditFile(*file, stdout)
	}
	db, err := app.OpenDatabase(*dbURL) // read only: no migration
	if err != nil {
		return err
	}
	defer db.Close()
	orgs := []string{*org}
	if *org == "" {
		if orgs, err = organizationIDs(ctx, db); err != nil {
			return err
		}
	}
	broken := false
	for _, id := range orgs {
		v, err := audit.Verify(ctx, db.DB, id)
		if err != nil {
			return err
		}
		if v.OK {
			fmt.Fprintf(stdout, "%s: verified %d entries, head %d %s\n", id, v.EntriesChecked, v.HeadSequence, cmp.Or(v.HeadHash, "(empty)"))
			continue
		}
		broken = true
		fmt.Fprintf(stdout, "%s: BROKEN at entry %d (%s): %s; %d entries before it verified\n", id, v.FirstBroken, v.Problem, v.Detail, v.EntriesChecked)
	}
	if broken {
		return errBroken
	}
	return nil
}

func organizationIDs(ctx context.Context, db *app.Database) ([]string, error) {
	rows, err := db.DB.QueryContext(ctx, "SELECT id FROM organizations ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func verifyAuditFile(path string, stdout io.Writer) error {
	in := os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	v, err := audit.VerifyFile(in)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !v.OK {
		fmt.Fprintf(stdout, "%s: BROKEN at entry %d (%s): %s; %d entries before it verified\n", path, v.FirstBroken, v.Problem, v.Detail, v.EntriesChecked)
		return errBroken
	}
	fmt.Fprintf(stdout, "%s: verified %d entries of %s, last %d %s\n", path, v.EntriesChecked, cmp.Or(v.Organization, "no organization"), v.HeadSequence, cmp.Or(v.HeadHash, "(empty)"))
	if v.Gaps > 0 {
		fmt.Fprintf(stdout, "  the file skips entries in %d places (a filtered export): the links across them are not checked\n", v.Gaps)
	}
	if v.Withheld > 0 {
		fmt.Fprintf(stdout, "  %d entries carry no addresses (exported by a service account): their order and links are checked, their hashes cannot be recomputed\n", v.Withheld)
	}
	return nil
}
