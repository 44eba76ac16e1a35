import ArgumentParser
import TailorLab

await TailorLabCommand.main()
