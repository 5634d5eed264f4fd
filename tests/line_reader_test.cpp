#include "history/line_reader.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef MAPSTRESS_HAVE_ZLIB
#include <zlib.h>
#endif

#include <fstream>
#include <vector>

#include "report_fixtures.h"

namespace mapstress {
namespace {

std::vector<std::string> AllLines(LineReader* r) {
  std::vector<std::string> out;
  std::string_view line;
  while (r->Next(&line)) out.emplace_back(line);
  return out;
}

TEST(LineReaderTest, SplitsLinesAcrossChunksAndKeepsALastLineWithoutNewline) {
  std::string big(3 << 20, 'x');  // longer than one read chunk
  std::string text = "a\n\n" + big + "\nlast";
  LineReader r;
  r.OpenText("t", text, InputLimits{});
  EXPECT_EQ(AllLines(&r), (std::vector<std::string>{"a", "", big, "last"}));
  EXPECT_EQ(r.error(), "");
  EXPECT_EQ(r.line_number(), 4u);
}

TEST(LineReaderTest, CapsLineLengthAndTotalSize) {
  InputLimits small;
  small.max_line_bytes = 1 << 20;
  LineReader r;
  std::string text = "ok\n" + std::string((1 << 20) + 10, 'y') + "\n";
  r.OpenText("t", text, small);
  AllLines(&r);
  EXPECT_EQ(r.error(), "t:2: line is longer than 1 MiB (--max-line-mb changes the cap)");

  InputLimits total;
  total.max_total_bytes = 1 << 20;
  LineReader blank;
  std::string newlines(3 << 20, '\n');
  blank.OpenText("t", newlines, total);
  AllLines(&blank);
  EXPECT_NE(blank.error().find("input is larger than 1 MiB (--max-input-mb changes the cap)"), std::string::npos)
      << blank.error();
}

#ifdef MAPSTRESS_HAVE_ZLIB
TEST(LineReaderTest, ReadsGzipAndPlainTextNamedGz) {
  fixtures::TempDir dir;
  std::string gz = dir / "h.jsonl.gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  gzputs(f, "one\ntwo\n");
  gzclose(f);
  f = gzopen(gz.c_str(), "ab");  // a second gzip member, as `cat a.gz b.gz` makes
  gzputs(f, "three\n");
  gzclose(f);
  std::string error;
  LineReader r;
  ASSERT_TRUE(r.Open(gz, InputLimits{}, &error)) << error;
  EXPECT_EQ(AllLines(&r), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(r.error(), "");

  std::string plain = dir / "plain.jsonl.gz";
  std::ofstream(plain) << "not\ncompressed\n";
  LineReader p;
  ASSERT_TRUE(p.Open(plain, InputLimits{}, &error)) << error;
  EXPECT_EQ(AllLines(&p), (std::vector<std::string>{"not", "compressed"}));
}
#endif

TEST(LineReaderTest, RefusesDevicesAndFolders) {
  std::string error;
  LineReader r;
  EXPECT_FALSE(r.Open("/dev/zero", InputLimits{}, &error));
  EXPECT_EQ(error, "/dev/zero: cannot read a character device: a history must be a regular file or a FIFO");
  fixtures::TempDir dir;
  EXPECT_FALSE(r.Open(dir.path(), InputLimits{}, &error));
  EXPECT_NE(error.find("cannot read a folder"), std::string::npos) << error;
}

TEST(LineReaderTest, AFifoWithoutWriterTimesOut) {
  fixtures::TempDir dir;
  std::string fifo = dir / "h.jsonl";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  InputLimits quick;
  quick.fifo_idle = std::chrono::milliseconds(50);
  std::string error;
  LineReader r;
  ASSERT_TRUE(r.Open(fifo, quick, &error)) << error;
  std::string_view line;
  EXPECT_FALSE(r.Next(&line));
  EXPECT_EQ(r.error(), fifo + ":1: the FIFO sent nothing for 50ms (no writer?; --input-timeout changes the wait)");
}

}  // namespace
}  // namespace mapstress
