import org.openjdk.jol.info.ClassLayout;

/** Prints the field layout and instance size of each class named on the command line (JOL). */
public class Layout {
    public static void main(String[] a) throws Exception {
        for (String n : a) {
            System.out.println(ClassLayout.parseClass(Class.forName(n)).toPrintable());
        }
    }
}
