package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses
)

// FerretDB v1 stores each collection as a table with one JSON column and creates its
// `_id` index on the expression `_ferretdb_sjson->"_id"`, while every lookup by `_id`
// (find, update, delete) filters on `_ferretdb_sjson->'$._id'`. SQLite matches an
// expression index only on the identical expression, so each lookup by `_id` reads the
// whole table. indexIDs adds an index on the expression the lookups use to every
// collection table, so they find their row through it. FerretDB does not know about it:
// it is not listed by listIndexes and goes with the table when the collection is dropped.

const (
	collectionsTable = "_ferretdb_collections"
	indexSuffix      = "_jobwire_id_lookup"
	scanEvery        = 250 * time.Millisecond
)

type idIndexer struct {
	dir    string
	logger *slog.Logger
	dbs    map[string]*sql.DB

	mu       sync.Mutex
	inFlight map[string]bool // files whose previous pass has not ended
	failures map[string]int  // consecutive failed passes per file
}

// failuresBeforeWarning: a file that cannot be indexed for this many passes (about 5 s) is reported.
const failuresBeforeWarning = 20

// indexIDs runs until ctx ends, indexing new collection tables as they appear.
func indexIDs(ctx context.Context, dir string, logger *slog.Logger) {
	ix := &idIndexer{dir: dir, logger: logger, dbs: map[string]*sql.DB{}, inFlight: map[string]bool{}, failures: map[string]int{}}
	defer ix.close()
	ticker := time.NewTicker(scanEvery)
	defer ticker.Stop()
	for {
		ix.scan(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (ix *idIndexer) close() {
	for _, db := range ix.dbs {
		_ = db.Close()
	}
}

func (ix *idIndexer) scan(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(ix.dir, "*.sqlite"))
	if err != nil {
		return
	}
	present := map[string]bool{}
	for _, file := range files {
		present[file] = true
		if _, ok := ix.dbs[file]; !ok {
			db, err := openIndexDB(file)
			if err != nil {
				continue
			}
			ix.dbs[file] = db
		}
	}
	// A dropped database's file is gone: let go of its handle.
	for file, db := range ix.dbs {
		if !present[file] {
			_ = db.Close()
			delete(ix.dbs, file)
		}
	}
	// Each file on its own: a file whose writer is busy must not hold up the others, and a
	// pass still running on a file is not started again.
	for file, db := range ix.dbs {
		ix.mu.Lock()
		busy := ix.inFlight[file]
		ix.inFlight[file] = true
		ix.mu.Unlock()
		if busy {
			continue
		}
		go ix.pass(ctx, file, db)
	}
}

func (ix *idIndexer) pass(ctx context.Context, file string, db *sql.DB) {
	err := indexTables(ctx, db)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.inFlight[file] = false
	if err == nil || ctx.Err() != nil {
		ix.failures[file] = 0
		return
	}
	ix.failures[file]++
	if ix.failures[file]%failuresBeforeWarning == 0 {
		ix.logger.Warn("id index: cannot index a database file yet", "file", file, "passes", ix.failures[file], "err", err)
	}
}

func openIndexDB(file string) (*sql.DB, error) {
	if _, err := os.Stat(file); err != nil {
		return nil, err
	}
	// mode=rw: never create a file FerretDB has just removed. A short busy timeout: a file
	// whose writer is busy is tried again at the next scan.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(1000)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func indexTables(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, fmt.Sprintf(
		"SELECT c.table_name FROM %q c WHERE NOT EXISTS (SELECT 1 FROM sqlite_master m WHERE m.type = 'index' AND m.name = c.table_name || '%s')",
		collectionsTable, indexSuffix))
	if err != nil {
		return err // the metadata table does not exist yet
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			_ = rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	_ = rows.Close()
	for _, table := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+indexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
