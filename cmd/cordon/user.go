package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	osuser "os/user"
	"strings"
	"time"

	"github.com/cordonsec/cordon"
	"github.com/cordonsec/cordon/auth"
)

// minPassword is the shortest password accepted for a local account.
const minPassword = 12

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "add" {
		return &usageError{msg: "usage: cordon user add NAME --role admin|analyst|viewer [--data DIR] (password on standard input)"}
	}
	fs := newFlagSet("user add", "NAME --role ROLE [--data DIR]", stderr)
	data := dataFlag(fs)
	role := fs.String("role", cordon.RoleViewer, "`role`: admin, analyst or viewer")
	// Go's flag package stops at the first non-flag; accept NAME first.
	rest := args[1:]
	name := ""
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	}
	if name == "" {
		return &usageError{msg: "user add needs a NAME"}
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	u := &cordon.User{Name: name, Role: *role, PasswordHash: hash}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := st.users.CreateUser(ctx, u); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "created %s user %s\n", u.Role, u.Name)
	return err
}

// readPassword reads one line from stdin, which may be a terminal or a pipe.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("cannot read the password: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if len([]rune(password)) < minPassword {
		return "", cordon.Errorf(cordon.EINVALID, "The password must have at least %d characters (give it on standard input).", minPassword)
	}
	return password, nil
}

func runToken(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	ctx = cliContext(ctx)
	if len(args) == 0 || args[0] != "create" {
		return &usageError{msg: "usage: cordon token create --user NAME [--name LABEL] [--expires 90d] [--scope sensor] [--data DIR]"}
	}
	fs := newFlagSet("token create", "--user NAME [--name LABEL] [--expires DURATION] [--scope sensor] [--data DIR]", stderr)
	data := dataFlag(fs)
	user := fs.String("user", "", "`name` of the user the token acts as")
	label := fs.String("name", "cli", "`label` to recognise the token by")
	expires := fs.Duration("expires", 0, "lifetime, e.g. 2160h for 90 days (0: never expires)")
	scope := fs.String("scope", "", "`sensor` for a remote sensor's token: it may only ship batches and read the approved policy and detection config")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *user == "" {
		return &usageError{msg: "token create needs --user NAME"}
	}
	st, err := openStore(*data, slog.New(slog.DiscardHandler), "")
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.users.FindUserByName(ctx, *user)
	if err != nil {
		return err
	}
	secret, hash, prefix := auth.NewAPIToken()
	t := &cordon.Token{UserID: u.ID, Name: *label, Hash: hash, Prefix: prefix, Scope: *scope}
	if *expires > 0 {
		at := time.Now().Add(*expires).UTC()
		t.ExpiresAt = &at
	}
	if err := st.users.CreateToken(ctx, t); err != nil {
		return err
	}
	// The secret is shown once and never stored.
	_, err = fmt.Fprintln(stdout, secret)
	return err
}

// cliContext marks changes made from the command line in the audit log with
// the operating-system account that made them.
func cliContext(ctx context.Context) context.Context {
	name := "cli"
	if u, err := osuser.Current(); err == nil {
		name += ":" + u.Username
	}
	return cordon.NewContextWithUser(ctx, &cordon.User{Name: name, Role: cordon.RoleAdmin})
}
