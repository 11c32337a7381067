package password

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHashAndVerify(t *testing.T) {
	ctx := context.Background()
	h, err := Hash(ctx, "correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := Verify(ctx, h, "correct horse battery staple"); !ok || err != nil {
		t.Fatalf("Verify(right password) = %v, %v", ok, err)
	}
	if ok, _ := Verify(ctx, h, "correct horse battery stapler"); ok {
		t.Fatal("Verify accepted a wrong password")
	}
	h2, _ := Hash(ctx, "correct horse battery staple")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	if _, err := Verify(ctx, "$2a$10$bcrypt", "x"); err == nil {
		t.Fatal("Verify accepted an unknown format")
	}
}

func TestCheck(t *testing.T) {
	for _, bad := range []string{"short", "            ", "\t \n          ", ""} {
		if Check(bad) == nil {
			t.Fatalf("accepted %q", bad)
		}
	}
	if err := Check("twelve chars"); err != nil {
		t.Fatal(err)
	}
}

// Checks sent together run at most as many at once as there are slots: each holds
// 19 MiB, so memory stays bounded whatever arrives.
func TestChecksRunAtMostSlotsAtOnce(t *testing.T) {
	ctx := context.Background()
	var running, most atomic.Int32
	var wg sync.WaitGroup
	for range 3 * cap(slots) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := withSlot(ctx, func() {
				n := running.Add(1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(20 * time.Millisecond)
				running.Add(-1)
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := most.Load(); got != int32(cap(slots)) {
		t.Fatalf("at most %d checks ran at once, want %d (the slots)", got, cap(slots))
	}

	// With every slot taken for longer than MaxWait, a check gives up with ErrBusy
	// (here: its context ends first, which is the same path).
	for range cap(slots) {
		slots <- struct{}{}
	}
	defer func() {
		for range cap(slots) {
			<-slots
		}
	}()
	short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, err := Verify(short, dummy, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Verify with every slot taken: %v", err)
	}
}
