package transfer

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/husk-dev/husk/internal/setting"
)

// ArchiveOut runs write on the file output, or, when output is "", on a
// temporary file whose archive it then copies to stdout: the archive
// writers need a file they can seek in. A terminal on stdout is refused.
func ArchiveOut(output string, stdout io.Writer, write func(path string, toStdout bool) error) error {
	toStdout := output == ""
	if toStdout {
		if term.IsTerminal(int(os.Stdout.Fd())) {
			return setting.Errorf("refusing to write an archive to a terminal: use {-output} FILE or redirect stdout")
		}
		dir, err := os.MkdirTemp("", "husk-save-")
		if err != nil {
			return fmt.Errorf("save to stdout: %w", err)
		}
		defer os.RemoveAll(dir)
		output = filepath.Join(dir, "archive.tar")
	}
	if err := write(output, toStdout); err != nil || !toStdout {
		return err
	}
	fh, err := os.Open(output)
	if err != nil {
		return fmt.Errorf("save to stdout: %w", err)
	}
	defer fh.Close()
	if _, err := io.Copy(stdout, fh); err != nil {
		return fmt.Errorf("save to stdout: %w", err)
	}
	return nil
}

// ArchiveIn runs read on the file input, or, when input is "", on a
// temporary copy of stdin: both archive readers need to seek. A terminal
// on stdin is refused, with podman's words.
func ArchiveIn(input string, stdin io.Reader, read func(path string) error) error {
	if input == "" {
		if term.IsTerminal(int(os.Stdin.Fd())) {
			return setting.Errorf("cannot read from terminal, use command-line redirection or the {input} flag")
		}
		tmp, err := spool(stdin)
		if err != nil {
			return err
		}
		defer os.Remove(tmp)
		input = tmp
	}
	return read(input)
}

// spool copies r to a temporary file.
func spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "husk-load-*.tar")
	if err != nil {
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("spool stdin: %w", err)
	}
	return f.Name(), nil
}

// Credentials are login's user name and password as given.
type Credentials struct {
	User, Password string
	// PasswordStdin reads the password from stdin.
	PasswordStdin bool
}

// maxPassword bounds a password (or token) read from stdin: it is a
// line; a stream without end is not.
const maxPassword = 64 << 10

// Complete reads what c lacks from in: the user name and the password at
// a terminal's prompts (written to prompt), or the password from stdin
// with PasswordStdin.
func (c Credentials) Complete(in io.Reader, prompt io.Writer) (Credentials, error) {
	r := bufio.NewReader(in)
	if c.User == "" {
		if !isTerminal(in) {
			return c, setting.Errorf("no username: use {username}")
		}
		fmt.Fprint(prompt, "Username: ")
		line, err := r.ReadString('\n')
		if err != nil {
			return c, fmt.Errorf("read username: %w", err)
		}
		c.User = strings.TrimSpace(line)
	}
	switch {
	case c.PasswordStdin:
		if c.Password != "" {
			return c, setting.Errorf("use either {password} or {password-stdin}")
		}
		b, err := io.ReadAll(io.LimitReader(r, maxPassword+1))
		if err != nil {
			return c, fmt.Errorf("read password: %w", err)
		}
		if len(b) > maxPassword {
			return c, setting.Errorf("read password: {password-stdin} gave more than %d KiB", maxPassword>>10)
		}
		c.Password = strings.TrimRight(string(b), "\r\n")
	case c.Password == "":
		if !isTerminal(in) {
			return c, setting.Errorf("no password: use {password-stdin}")
		}
		fmt.Fprint(prompt, "Password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return c, fmt.Errorf("read password: %w", err)
		}
		c.Password = string(b)
	}
	return c, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
