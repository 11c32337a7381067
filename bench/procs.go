package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a server process started by the benchmark.
type proc struct {
	name string
	cmd  *exec.Cmd
	pid  int
	addr string // host:port
	// metricsAddr is where it serves /metrics (the bench asks each for one).
	metricsAddr string
	log         string // its stderr
	done        chan struct{}
}

var (
	procsMu sync.Mutex
	procs   []*proc
)

// startProc starts bin with args and env (added to this process's), optionally pinned
// to CPU 1, and waits for the line "... is listening on http://ADDR".
func startProc(ctx context.Context, name, work string, pin bool, env []string, bin string, args ...string) (*proc, error) {
	argv := append([]string{bin}, args...)
	if pin {
		argv = append([]string{"taskset", "-c", "1"}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(append(cleanEnv(), "APIKEYS_METRICS_ADDR=127.0.0.1:0"), env...)
	cmd.Dir = work
	logPath := filepath.Join(work, name+".log")
	lf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stderr = lf
	out, err := cmd.StdoutPipe()
	if err != nil {
		lf.Close()
		return nil, err
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		lf.Close()
		return nil, err
	}
	p := &proc{name: name, cmd: cmd, pid: cmd.Process.Pid, log: logPath, done: make(chan struct{})}
	procsMu.Lock()
	procs = append(procs, p)
	procsMu.Unlock()
	go func() { _ = cmd.Wait(); lf.Close(); close(p.done) }()

	addrc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		found := false
		for sc.Scan() {
			line := sc.Text()
			if _, rest, ok := strings.Cut(line, "Metrics (Prometheus) at http://"); ok && !found {
				p.metricsAddr, _, _ = strings.Cut(rest, "/")
			}
			if !found {
				if _, rest, ok := strings.Cut(line, "is listening on http://"); ok {
					addr, _, _ := strings.Cut(rest, " ")
					addr = strings.TrimRight(addr, "/")
					addrc <- addr
					found = true
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
	}()
	select {
	case p.addr = <-addrc:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("%s exited at start: %s", name, tail(logPath, 2000))
	case <-time.After(90 * time.Second):
		p.stop()
		return nil, fmt.Errorf("%s did not start within 90 s: %s", name, tail(logPath, 2000))
	case <-ctx.Done():
		p.stop()
		return nil, ctx.Err()
	}
}

// stop ends the process: SIGTERM, then SIGKILL after 5 s.
func (p *proc) stop() {
	if p == nil {
		return
	}
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// stopAll stops every process still running.
func stopAll() {
	procsMu.Lock()
	ps := procs
	procs = nil
	procsMu.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

func tail(path string, n int64) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	if st.Size() > n {
		_, _ = f.Seek(st.Size()-n, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	return strings.TrimSpace(string(b))
}

// clockTicks is USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on Linux).
const clockTicks = 100

// cpuTime is the user+system CPU time the process has used so far.
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	f := strings.Fields(s[i+1:])
	// After the command: state(3) ppid(4) ... utime(14) stime(15); f[0] is field 3.
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * time.Second / clockTicks, nil
}

// rssBytes is the resident set size of the process (VmRSS).
func rssBytes(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024, err
			}
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

// runCmd runs a command to completion and returns its combined output.
func runCmd(ctx context.Context, env []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(append(cleanEnv(), "APIKEYS_METRICS_ADDR=127.0.0.1:0"), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return string(out), nil
}

// cleanEnv is this process's environment without the server's settings, so that a
// variable set in the shell cannot change what a case measures.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "APIKEYS_") || strings.HasPrefix(kv, "DATABASE_URL=") || strings.HasPrefix(kv, pinnedEnv+"=") {
			continue
		}
		out = append(out, kv)
	}
	return out
}
