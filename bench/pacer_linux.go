package main

import (
	"os"
	"syscall"
	"time"
	"unsafe"
)

// pacer sleeps until a point in time with a timerfd read through the network poller:
// about 25 µs late here, where time.Sleep is about 0.5 ms late on an idle runtime (the
// poller's millisecond timeout), which would blur the fixed-rate latencies.
type pacer struct {
	fd  uintptr
	f   *os.File
	buf [8]byte
}

type itimerspec struct{ interval, value syscall.Timespec }

func newPacer() (*pacer, error) {
	const clockMonotonic = 1
	fd, _, e := syscall.Syscall(syscall.SYS_TIMERFD_CREATE, clockMonotonic, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if e != 0 {
		return nil, e
	}
	return &pacer{fd: fd, f: os.NewFile(fd, "timerfd")}, nil
}

func (p *pacer) sleepUntil(t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	spec := itimerspec{value: syscall.NsecToTimespec(int64(d))}
	if _, _, e := syscall.Syscall6(syscall.SYS_TIMERFD_SETTIME, p.fd, 0, uintptr(unsafe.Pointer(&spec)), 0, 0, 0); e != 0 {
		time.Sleep(d)
		return
	}
	if _, err := p.f.Read(p.buf[:]); err != nil {
		time.Sleep(time.Until(t))
	}
}

func (p *pacer) close() { p.f.Close() }
