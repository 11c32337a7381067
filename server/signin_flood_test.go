package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"apikeys/server/testdb"
)

// Sign-in guesses sent truly at once (connections opened first, the last byte of every
// request sent together) get no more 401s than the limits allow, the rest 429, and the
// server's memory stays bounded: each password check holds 19 MiB, and they run at most
// one per CPU. The right password from an address that did not guess still works.
func TestParallelSignInGuessesStayWithinTheLimits(t *testing.T) {
	bin := build(t)
	testdb.Each(t, func(t *testing.T, dbURL string) {
		env := append(os.Environ(), "DATABASE_URL="+dbURL, "APIKEYS_ADDR=127.0.0.1:0")
		const email, password = "op@example.com", "an operator's password"
		if out, err := command(bin, env, password+"\n", "create-org", "--name", "Operator Co", "--admin-email", email, "--admin-name", "Opal").CombinedOutput(); err != nil {
			t.Fatalf("create-org: %v\n%s", err, out)
		}
		srv, addr, _ := startServer(t, bin, env)
		before := procStatus(t, srv.Process.Pid, "VmRSS")

		const n = 200
		sameAccount := make([]string, n)
		distinctEmails := make([]string, n)
		for i := range n {
			sameAccount[i] = fmt.Sprintf(`{"email":%q,"password":"guess number %d"}`, email, i)
			distinctEmails[i] = fmt.Sprintf(`{"email":"someone-%d@example.com","password":"guess number %d"}`, i, i)
		}
		for _, tc := range []struct {
			name   string
			from   string
			bodies []string
			max401 int
		}{
			{"one account", "127.0.0.2", sameAccount, 5},    // the per-account limit
			{"200 emails", "127.0.0.3", distinctEmails, 20}, // the per-address limit
		} {
			statuses := sendAtOnce(t, addr, tc.from, tc.bodies)
			if statuses[http.StatusUnauthorized] > tc.max401 || statuses[http.StatusUnauthorized]+statuses[http.StatusTooManyRequests] != n {
				t.Errorf("%s: %d parallel sign-ins answered %v; want at most %d × 401 and the rest 429", tc.name, n, statuses, tc.max401)
			}
			t.Logf("%s: %v", tc.name, statuses)
		}
		peak := procStatus(t, srv.Process.Pid, "VmHWM")
		t.Logf("RSS before %d MB, peak %d MB", before>>20, peak>>20)
		if grew := peak - before; grew >= 200<<20 {
			t.Errorf("the server's RSS grew by %d MB (from %d MB): want less than 200 MB", grew>>20, before>>20)
		}

		// The account's owner, from an address that did not guess, signs in.
		statuses := sendAtOnce(t, addr, "127.0.0.4", []string{fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)})
		if statuses[http.StatusOK] != 1 {
			t.Fatalf("the owner's sign-in after the guesses: %v", statuses)
		}
	})
}

// startServer runs the binary and returns it with its host:port and its log (stderr,
// to read once it has exited); it is killed when the test ends.
func startServer(t *testing.T, bin string, env []string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	srv := command(bin, env, "")
	stdout, _ := srv.StdoutPipe()
	stderr := &bytes.Buffer{}
	srv.Stderr = stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if m := regexp.MustCompile(`listening on http://(\S+)`).FindStringSubmatch(lines.Text()); m != nil {
			go io.Copy(io.Discard, stdout)
			return srv, m[1], stderr
		}
	}
	t.Fatalf("no address printed; stderr:\n%s", stderr.String())
	return nil, "", nil
}

// sendAtOnce opens a connection per body from the address from, sends each request
// but its last byte, then the last bytes together, and counts the answers by status.
func sendAtOnce(t *testing.T, addr, from string, bodies []string) map[int]int {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 10 * time.Second}
	conns := make([]net.Conn, len(bodies))
	for i, body := range bodies {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		req := "POST /auth/login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\nConnection: close\r\n\r\n" + body
		if _, err := io.WriteString(c, req[:len(req)-1]); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	var (
		mu       sync.Mutex
		statuses = map[int]int{}
		wg       sync.WaitGroup
		start    = make(chan struct{})
	)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_ = c.SetDeadline(time.Now().Add(60 * time.Second))
			if _, err := io.WriteString(c, bodies[i][len(bodies[i])-1:]); err != nil {
				t.Error(err)
				return
			}
			res, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			statuses[res.StatusCode]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

// procStatus reads a size field (in bytes) of /proc/PID/status.
func procStatus(t *testing.T, pid int, field string) int {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^` + field + `:\s+(\d+) kB$`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("no %s in /proc/%d/status", field, pid)
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return kb << 10
}
