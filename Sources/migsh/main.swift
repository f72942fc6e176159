import MigshInteractive
import MigshShell

MigshMain.main(lineReader: LibEditLineReader())
