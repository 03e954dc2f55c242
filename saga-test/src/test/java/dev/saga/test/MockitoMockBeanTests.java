package dev.saga.test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import dev.saga.test.fixture.BillingSteps;
import dev.saga.test.fixture.KitApplication;

/**
 * A step bean replaced by {@code @MockitoBean} is not a bean of steps (Spring does not
 * post-process a mock), so {@code @SagaTest} refuses the test before it runs, saying what to do
 * instead. Checked here without {@code @SagaTest}, whose extension would refuse this very test.
 */
@SpringBootTest(classes = KitApplication.class)
class MockitoMockBeanTests {

    @MockitoBean
    BillingSteps billing;

    @Autowired
    ConfigurableApplicationContext context;

    @Test
    void aMockedStepBeanIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> MockedStepBeans.refuse(context.getBeanFactory()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'billingSteps' (dev.saga.test.fixture.BillingSteps)")
                .hasMessageContaining("SagaTestKit.stub(\"<step>\")").hasMessageContaining("@MockitoSpyBean");
    }
}
